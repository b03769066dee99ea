using System.Diagnostics;
using System.Text.RegularExpressions;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// <c>celeriac events</c>' live view in a real terminal: the built tool runs in a tmux pane of its own server (a
/// private socket), the test reads the screen with <c>capture-pane</c> and types with <c>send-keys</c>.
/// </summary>
public sealed class EventsLiveViewTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    private const string Session = "events";

    [TmuxFact]
    public async Task The_live_view_shows_the_worker_and_its_tasks_shows_a_tasks_details_and_quits_on_q()
    {
        var tmux = ExternalTool.Require("tmux", "apt-get install tmux");
        var socket = $"celeriac-events-{Guid.NewGuid():N}";
        var directory = Directory.CreateTempSubdirectory("celeriac-events-");
        var exitFile = Path.Combine(directory.FullName, "exit");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var tool = Path.Combine(AppContext.BaseDirectory, "Celeriac.Cli.dll");
        var command = $"'{dotnet}' '{tool}' events -b '{cluster.BrokerUrl}'; echo $? > '{exitFile}'";
        try
        {
            await TmuxAsync(tmux, socket, "new-session", "-d", "-s", Session, "-x", "160", "-y", "45", command);
            await PaneUntilAsync(tmux, socket, p => Regex.IsMatch(p, $@"{CliCluster.Node}\s+online\s+celeriac \d"));

            var first = await cluster.App.SendTaskAsync("cli.add", [2, 3]);
            var second = await cluster.App.SendTaskAsync("cli.add", [40, 2]);
            var pane = await PaneUntilAsync(tmux, socket, p =>
                p.Contains(first.Id) && p.Contains(second.Id) && p.Split("SUCCESS").Length - 1 >= 2);
            pane.Should().Contain("cli.add").And.Contain("Latest tasks").And.Contain("(40, 2)");

            // j selects the newest task, Enter shows its details (the result is only there), Esc goes back.
            await TmuxAsync(tmux, socket, "send-keys", "-t", Session, "j", "Enter");
            var detail = await PaneUntilAsync(tmux, socket, p => p.Contains("Result") && p.Contains("Succeeded"));
            detail.Should().MatchRegex(@"Result\s+(5|42)\b");
            await TmuxAsync(tmux, socket, "send-keys", "-t", Session, "Escape");
            await PaneUntilAsync(tmux, socket, p => p.Contains("Latest tasks"));

            await TmuxAsync(tmux, socket, "send-keys", "-t", Session, "q");
            await UntilAsync(() => File.Exists(exitFile) && File.ReadAllText(exitFile).Trim().Length > 0, "the tool to exit after q");
            File.ReadAllText(exitFile).Trim().Should().Be("0");
        }
        finally
        {
            await TmuxAsync(tmux, socket, "kill-server").ContinueWith(_ => { }, TaskScheduler.Default);
            directory.Delete(recursive: true);
        }
    }

    private static async Task<string> PaneUntilAsync(string tmux, string socket, Func<string, bool> condition)
    {
        var pane = "";
        await UntilAsync(() =>
        {
            pane = TmuxAsync(tmux, socket, "capture-pane", "-p", "-t", Session).GetAwaiter().GetResult();
            return condition(pane);
        }, "the pane to show it", () => pane);
        return pane;
    }

    private static async Task<string> TmuxAsync(string tmux, string socket, params string[] args)
    {
        var start = new ProcessStartInfo(tmux) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(socket);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["TERM"] = "xterm-256color"; // a CI runner may have none; the pane gets tmux's own
        start.Environment.Remove("CELERY_BROKER_URL");
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)}: exit {process.ExitCode}: {await error}");
        return await output;
    }

    private static async Task UntilAsync(Func<bool> condition, string what, Func<string>? shown = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 45 s for {what}; the screen:\n{shown?.Invoke()}");
            await Task.Delay(100);
        }
    }
}
