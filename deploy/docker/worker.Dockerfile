# The WebShop worker host (samples/WebShop.Worker): runs the shop's tasks from the shared broker and
# serves /healthz/live, /healthz/ready and /metrics on port 8080. Build from the repository root:
#   docker build -f deploy/docker/worker.Dockerfile -t webshop-worker .
# The same image runs the beat (deploy/k8s/beat.yaml: WebShop__RunWorker=false, WebShop__RunBeat=true).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a code change does not re-download packages.
# tests/Celeriac.Samples.Tests/Deploy checks this list is the published project's whole reference closure.
COPY Directory.Build.props ./
COPY src/Directory.Build.props src/
COPY src/Celeriac.Protocol/Celeriac.Protocol.csproj src/Celeriac.Protocol/
COPY src/Celeriac/Celeriac.csproj src/Celeriac/
COPY src/Celeriac.Redis/Celeriac.Redis.csproj src/Celeriac.Redis/
COPY src/Celeriac.OpenTelemetry/Celeriac.OpenTelemetry.csproj src/Celeriac.OpenTelemetry/
COPY samples/WebShop.Tasks/WebShop.Tasks.csproj samples/WebShop.Tasks/
COPY samples/WebShop.Worker/WebShop.Worker.csproj samples/WebShop.Worker/
RUN dotnet restore samples/WebShop.Worker/WebShop.Worker.csproj
COPY src/ src/
COPY samples/WebShop.Tasks/ samples/WebShop.Tasks/
COPY samples/WebShop.Worker/ samples/WebShop.Worker/
RUN dotnet publish samples/WebShop.Worker/WebShop.Worker.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The image's unprivileged "app" user (UID 1654); the pod's securityContext also asks for non-root.
USER $APP_UID
# ASP.NET Core's images listen on 8080 (ASPNETCORE_HTTP_PORTS=8080): the probes and the scrape.
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "WebShop.Worker.dll"]
