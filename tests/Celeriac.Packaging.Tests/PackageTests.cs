using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Celeriac.Packaging.Tests;

/// <summary>
/// <c>dotnet pack</c> on the solution makes exactly the packages of src/ — eight libraries (the optional Celeriac.OpenTelemetry,
/// Celeriac.CommandLine and Celeriac.Dashboard among them) and the <c>celeriac</c> .NET tool (Celeriac.Cli) — each with what a user
/// and nuget.org look for: version (prefix + the suffix a CI build sets), authors, description,
/// license, readme, project URL, tags, symbols. Packs the assemblies this project already built
/// (<c>--no-build</c>), so it takes seconds.
/// </summary>
[Collection(PackCollection.Name)]
public sealed class PackageTests : IDisposable
{
    private static readonly string[] Libraries = ["Celeriac.Protocol", "Celeriac", "Celeriac.Redis", "Celeriac.RabbitMQ", "Celeriac.Testing", "Celeriac.OpenTelemetry", "Celeriac.CommandLine", "Celeriac.Dashboard"];
    private const string Tool = "Celeriac.Cli";
    private static readonly string[] Packages = [.. Libraries, Tool];
    private const string Suffix = "packtest";

    private readonly string _output = Directory.CreateTempSubdirectory("celeriac-pack-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task Pack_makes_the_packages_of_src_with_their_metadata_readme_and_symbols()
    {
        var root = RepositoryRoot();
        await PackAsync(root);

        var prefix = XDocument.Load(Path.Combine(root, "src", "Directory.Build.props")).Descendants("VersionPrefix").SingleOrDefault()?.Value;
        prefix.Should().NotBeNullOrEmpty("src/Directory.Build.props sets the version of every package in one place");
        var version = $"{prefix}-{Suffix}";
        Directory.GetFiles(_output).Select(Path.GetFileName).Order(StringComparer.Ordinal).Should().Equal(
            Packages.SelectMany(p => new[] { $"{p}.{version}.nupkg", $"{p}.{version}.snupkg" }).Order(StringComparer.Ordinal),
            "only src/ is packable (samples, bench and tests are not), one package and one symbol package each");

        var descriptions = new HashSet<string>();
        foreach (var id in Packages)
        {
            using var package = ZipFile.OpenRead(Path.Combine(_output, $"{id}.{version}.nupkg"));
            var nuspec = Metadata(package, $"{id}.nuspec");
            string Field(string name) => nuspec.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

            Field("id").Should().Be(id);
            Field("version").Should().Be(version);
            Field("authors").Should().NotBeNullOrWhiteSpace();
            Field("description").Should().NotBeNullOrWhiteSpace();
            descriptions.Add(Field("description")).Should().BeTrue($"{id} says what it is in its own words");
            Field("license").Should().Be("MIT");
            nuspec.Elements().Single(e => e.Name.LocalName == "license").Attribute("type")!.Value.Should().Be("expression");
            Field("projectUrl").Should().StartWith("https://");
            Field("tags").Should().Contain("celery");
            Field("readme").Should().Be("README.md");
            package.GetEntry("README.md").Should().NotBeNull($"{id} carries the README it names");
            var folder = id == Tool ? "tools/net10.0/any" : "lib/net10.0";
            package.GetEntry($"{folder}/{id}.dll").Should().NotBeNull();
            if (id == Tool) ToolShape(package, nuspec);
            else package.GetEntry($"{folder}/{id}.xml").Should().NotBeNull("IntelliSense needs the XML docs");

            using var symbols = ZipFile.OpenRead(Path.Combine(_output, $"{id}.{version}.snupkg"));
            symbols.GetEntry($"{folder}/{id}.pdb").Should().NotBeNull($"{id}'s symbols are published beside it");
        }
    }

    /// <summary>The tool package installs as <c>dotnet tool install Celeriac.Cli</c> and runs as <c>celeriac</c>.</summary>
    private static void ToolShape(ZipArchive package, XElement nuspec)
    {
        nuspec.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => e.Attribute("name")?.Value)
            .Should().Contain("DotnetTool");
        using var settings = package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open();
        var command = XDocument.Load(settings).Descendants("Command").Single();
        command.Attribute("Name")!.Value.Should().Be("celeriac");
        command.Attribute("EntryPoint")!.Value.Should().Be($"{Tool}.dll");
    }

    private async Task PackAsync(string root)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "pack", "Celeriac.slnx", "--no-build", "-c", configuration, "-o", _output, $"-p:VersionSuffix={Suffix}", "-nologo" })
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.Should().Be(0, $"dotnet pack failed:\n{await stdout}\n{await stderr}");
    }

    private static XElement Metadata(ZipArchive package, string nuspecName)
    {
        using var stream = package.GetEntry(nuspecName)!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Celeriac.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no Celeriac.slnx above {AppContext.BaseDirectory}");
    }
}
