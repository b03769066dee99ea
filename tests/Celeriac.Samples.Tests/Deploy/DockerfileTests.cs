using System.Xml.Linq;

namespace Celeriac.Samples.Tests.Deploy;

/// <summary>
/// The two images' Dockerfiles against the code: they publish real projects, copy everything those
/// projects need to restore, start the assembly the project builds, and listen where the manifests probe.
/// No Docker here; these keep the files from drifting from the projects.
/// </summary>
public sealed class DockerfileTests
{
    public static TheoryData<string, string, string> Images() => new()
    {
        // Dockerfile, the project it publishes, the assembly the test host loads from it
        { "web.Dockerfile", "samples/WebShop/WebShop.csproj", typeof(Program).Assembly.GetName().Name! },
        { "worker.Dockerfile", "samples/WebShop.Worker/WebShop.Worker.csproj", typeof(global::WebShop.Worker.WorkerStartup).Assembly.GetName().Name! },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void It_restores_and_publishes_the_project_and_starts_its_assembly(string file, string project, string assembly)
    {
        var docker = Dockerfile.Load(file);

        var runs = docker.All("RUN").ToList();
        runs.Should().Contain($"dotnet restore {project}");
        runs.Should().ContainSingle(r => r.StartsWith("dotnet publish ", StringComparison.Ordinal))
            .Which.Should().StartWith($"dotnet publish {project} -c Release --no-restore -o /app");
        File.Exists(RepositoryFiles.Path(project)).Should().BeTrue($"{file} publishes {project}");

        ProjectGraph.AssemblyName(project).Should().Be(assembly);
        docker.Entrypoint.Should().Equal(["dotnet", assembly + ".dll"], "the runtime image starts what the publish wrote");
    }

    public static TheoryData<string, string> Projects() => new()
    {
        { "web.Dockerfile", "samples/WebShop/WebShop.csproj" },
        { "worker.Dockerfile", "samples/WebShop.Worker/WebShop.Worker.csproj" },
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void The_restore_layer_copies_exactly_the_project_files_the_publish_needs(string file, string project)
    {
        var docker = Dockerfile.Load(file);
        var restore = docker.Instructions.ToList().FindIndex(i => i.Instruction == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var beforeRestore = docker.Instructions.Take(restore).Where(i => i.Instruction == "COPY")
            .Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

        var projects = ProjectGraph.Closure(project);
        var needed = projects.Concat(ProjectGraph.BuildFiles(projects)).Order(StringComparer.Ordinal);
        var copied = beforeRestore.SelectMany(parts => parts[..^1]).Order(StringComparer.Ordinal);
        copied.Should().Equal(needed, "a ProjectReference or Directory.Build file missing from the restore layer fails the image build");

        foreach (var parts in beforeRestore)
        {
            var source = parts[0];
            var destination = parts[^1];
            var expected = Path.GetDirectoryName(source)!.Replace('\\', '/');
            destination.TrimEnd('/').Should().Be(expected.Length == 0 ? "." : expected, $"{source} keeps its place in the tree");
        }

        // After the restore, the sources of the same projects (whole folders) — every one of them exists.
        foreach (var (sources, _) in docker.ContextCopies())
            foreach (var source in sources)
                Path.Exists(RepositoryFiles.Path(source.TrimEnd('/'))).Should().BeTrue($"{file} copies {source}");
        var folders = docker.ContextCopies().Skip(beforeRestore.Count).SelectMany(c => c.Sources).Select(s => s.TrimEnd('/')).ToList();
        foreach (var p in projects)
            folders.Should().Contain(f => p.StartsWith(f + "/", StringComparison.Ordinal), $"the sources of {p} are copied for the publish");
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void It_builds_on_the_SDK_and_runs_on_ASP_NET_Core_of_the_projects_framework_as_non_root_on_8080(string file, string project)
    {
        var docker = Dockerfile.Load(file);
        var framework = XDocument.Load(RepositoryFiles.Path("Directory.Build.props")).Descendants("TargetFramework").Single().Value; // net10.0
        var version = framework["net".Length..];

        docker.All("FROM").Should().Equal($"mcr.microsoft.com/dotnet/sdk:{version} AS build", $"mcr.microsoft.com/dotnet/aspnet:{version} AS runtime");
        docker.Single("USER").Should().Be("$APP_UID", "the runtime stage runs as the image's unprivileged app user");
        docker.Single("EXPOSE").Should().Be(DeployFacts.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        docker.Single("ENV").Should().Be($"ASPNETCORE_HTTP_PORTS={DeployFacts.HttpPort}");
        File.ReadAllText(RepositoryFiles.Path(project)).Should().Contain("Sdk=\"Microsoft.NET.Sdk.Web\"", "ASPNETCORE_HTTP_PORTS configures Kestrel, so the app is an ASP.NET Core app");
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Nothing_in_the_app_overrides_the_port_the_image_sets(string file, string project)
    {
        // Urls, Kestrel endpoints or UseUrls/Listen* would win over ASPNETCORE_HTTP_PORTS, and the probes would miss.
        var folders = ProjectGraph.Closure(project).Where(p => p.StartsWith("samples/", StringComparison.Ordinal))
            .Select(p => Path.GetDirectoryName(RepositoryFiles.Path(p))!).ToList();
        folders.Should().HaveCountGreaterThan(1, "the app and WebShop.Tasks, where the shared hosting code lives");
        var sources = folders.SelectMany(folder => Directory.GetFiles(folder, "*.*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("appsettings", StringComparison.Ordinal))
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        foreach (var source in sources)
        {
            var text = File.ReadAllText(source);
            foreach (var overrides in new[] { "\"Urls\"", "\"Kestrel\"", "HTTP_PORTS", "UseUrls", "ListenAnyIP", "ListenLocalhost", "UseKestrel(" })
                text.Should().NotContain(overrides, $"{Path.GetRelativePath(RepositoryFiles.Root, source)} would override the port {file} sets");
        }
    }

    [Fact]
    public void The_dockerignore_keeps_build_output_out_and_lets_every_copied_source_in()
    {
        var ignored = File.ReadAllLines(RepositoryFiles.Path(".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        ignored.Should().Contain(["**/bin/", "**/obj/", ".git/"], "host build output would overwrite the restore's and bloat the context");
        foreach (var file in new[] { "web.Dockerfile", "worker.Dockerfile" })
            foreach (var (sources, _) in Dockerfile.Load(file).ContextCopies())
                foreach (var source in sources)
                    ignored.Should().NotContain(i => !i.StartsWith("**", StringComparison.Ordinal) && source.StartsWith(i.TrimEnd('/'), StringComparison.Ordinal),
                        $"{file} copies {source}");
    }
}
