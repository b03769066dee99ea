using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace WebShop.Tasks.Hosting;

/// <summary>
/// OpenTelemetry for both shop apps: Celeriac's spans and instruments plus ASP.NET Core's, a
/// Prometheus scrape at <c>/metrics</c>, and OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class ShopTelemetry
{
    /// <summary>Adds tracing and metrics, naming the service <paramref name="serviceName"/>.</summary>
    public static WebApplicationBuilder AddShopTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        // The standard OTel variable: set it (e.g. http://otel-collector:4317) and both signals are also pushed there.
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t =>
            {
                t.AddCeleriacInstrumentation()
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperational(context.Request.Path));
                if (otlp) t.AddOtlpExporter();
            })
            .WithMetrics(m =>
            {
                m.AddCeleriacInstrumentation()
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter();
                if (otlp) m.AddOtlpExporter();
            });
        return builder;
    }

    /// <summary>
    /// Maps <c>GET /healthz/live</c> (checks tagged <c>live</c>), <c>GET /healthz/ready</c> (tagged
    /// <c>ready</c>) and <c>GET /metrics</c> (Prometheus) — the paths the deploy/ manifests probe and scrape.
    /// </summary>
    public static WebApplication MapShopOperationalEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz/live", new() { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks("/healthz/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    // Probes and scrapes every few seconds would bury the shop's own traces.
    private static bool IsOperational(PathString path) => path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics");
}
