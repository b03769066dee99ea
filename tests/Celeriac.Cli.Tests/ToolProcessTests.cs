using System.Diagnostics;

namespace Celeriac.Cli.Tests;

/// <summary>
/// The built tool as its own process (<c>dotnet Celeriac.Cli.dll …</c>): the entry point, the console writers
/// and the exit codes outside the test host.
/// </summary>
public sealed class ToolProcessTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    [Redis.Tests.Infrastructure.RedisFact]
    public async Task The_tool_process_reports_the_worker_and_exits_with_the_documented_codes()
    {
        var online = await RunToolAsync("status", "-b", cluster.BrokerUrl);
        var noReply = await RunToolAsync("status", "-b", cluster.BrokerUrl, "-d", "nobody@nowhere", "-t", "0.5");
        var noBroker = await RunToolAsync("inspect", "ping");

        online.ExitCode.Should().Be(0, online.ToString());
        online.Output.Should().Contain($"->  {CliCluster.Node}: OK").And.Contain("1 node online.");
        online.Output.Should().NotContain("\u001b[", "stdout is a pipe here");
        noReply.ExitCode.Should().Be(3, noReply.ToString());
        noReply.Error.Trim().Should().Be("celeriac: No nodes replied within time constraint");
        noBroker.ExitCode.Should().Be(2, noBroker.ToString());
        noBroker.Error.Trim().Should().StartWith("celeriac: No broker");
    }

    [Redis.Tests.Infrastructure.RedisFact]
    public async Task Purge_with_stdin_a_pipe_refuses_to_ask_even_with_a_yes_in_it_and_force_purges()
    {
        await cluster.App.SendTaskAsync("cli.add", [1, 1], options: new TaskSendOptions { Queue = "tool-purge" });

        var refused = await RunToolWithInputAsync("y\n", "purge", "-Q", "tool-purge", "-b", cluster.BrokerUrl);
        var forced = await RunToolWithInputAsync("", "purge", "-Q", "tool-purge", "-f", "-b", cluster.BrokerUrl);

        refused.ExitCode.Should().Be(2, refused.ToString());
        refused.Error.Trim().Should().Be("celeriac: purge asks before deleting and stdin is not a terminal: pass -f/--force to purge without asking");
        forced.ExitCode.Should().Be(0, forced.ToString());
        forced.Output.Should().Be("Purged 1 message from 1 known task queue." + Environment.NewLine);
    }

    private static Task<CliRun> RunToolAsync(params string[] args) => RunToolWithInputAsync("", args);

    /// <summary>Runs the tool with <paramref name="input"/> on its stdin, a pipe.</summary>
    private static async Task<CliRun> RunToolWithInputAsync(string input, params string[] args)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "Celeriac.Cli.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(tool);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("CELERY_BROKER_URL"); // "no broker" must mean none
        start.Environment.Remove("CELERY_RESULT_BACKEND");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliRun(process.ExitCode, await output, await error);
    }
}
