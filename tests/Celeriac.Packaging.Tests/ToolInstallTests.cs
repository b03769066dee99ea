using System.Diagnostics;

namespace Celeriac.Packaging.Tests;

/// <summary>
/// The tool package installs as a user would install it — <c>dotnet tool install Celeriac.Cli --add-source
/// &lt;folder&gt;</c> — and runs as <c>celeriac</c> with its exit codes. Packs the tool this project already built;
/// in the pack collection, since packing a tool publishes into its bin folder, which the other pack test does too.
/// </summary>
[Collection(PackCollection.Name)]
public sealed class ToolInstallTests : IDisposable
{
    private const string Version = "0.1.0-tooltest";
    private readonly string _scratch = Directory.CreateTempSubdirectory("celeriac-tool-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task The_packed_tool_installs_from_a_folder_and_runs_as_celeriac()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var packages = Path.Combine(_scratch, "packages");
        var tools = Path.Combine(_scratch, "tools");
        var root = RepositoryRoot();
        var pack = await RunAsync("dotnet", root, [], "pack", "src/Celeriac.Cli/Celeriac.Cli.csproj", "--no-build", "-c", configuration,
            "-o", packages, "-p:VersionSuffix=tooltest", "-nologo");
        pack.Code.Should().Be(0, pack.Output);

        // A package cache of its own: the global one would keep the first package of this version and install it
        // again after the tool changed.
        var install = await RunAsync("dotnet", root, ["NUGET_PACKAGES=" + Path.Combine(_scratch, "nuget")], "tool", "install", "Celeriac.Cli", "--tool-path", tools, "--add-source", packages, "--version", Version);
        install.Code.Should().Be(0, install.Output);

        var celeriac = Path.Combine(tools, OperatingSystem.IsWindows() ? "celeriac.exe" : "celeriac");
        var help = await RunAsync(celeriac, _scratch, [], "--help");
        var noBroker = await RunAsync(celeriac, _scratch, [], "status");

        help.Code.Should().Be(0, help.Output);
        help.Output.Should().Contain("celeriac [command] [options]").And.Contain("inspect").And.Contain("control");
        noBroker.Code.Should().Be(2, noBroker.Output);
        noBroker.Output.Trim().Should().StartWith("celeriac: No broker");
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, string directory, string[] environment, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment.Remove("CELERY_BROKER_URL");
        foreach (var (name, value) in environment.Select(e => e.Split('=', 2)).Select(p => (p[0], p[1]))) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Celeriac.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no Celeriac.slnx above {AppContext.BaseDirectory}");
    }
}
