using System.CommandLine;
using Celeriac.Beat;
using Celeriac.CommandLine.Commands;

namespace Celeriac.Cli.Tests;

/// <summary>The beat command given an app (how an app's own command line runs it): the app's entries, no schedule file needed.</summary>
public sealed class BeatCommandEmbeddedTests
{
    [Fact]
    public async Task Beat_in_an_app_runs_the_apps_own_entries_and_stops_on_cancel()
    {
        await using var app = CeleriacApp.Create(o => o.BrokerUrl = $"memory://beat-embedded-{Guid.NewGuid():N}");
        app.Beat.Add("own", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "app.tick");
        var options = new GlobalOptions();
        var root = new Command("celeriac");
        options.AddTo(root);
        using var output = new WatchedWriter();
        using var error = new WatchedWriter();
        root.Add(BeatCommand.Create(options, output, app));
        using var stop = new CancellationTokenSource();

        var run = root.Parse(["beat", "-l", "info", "--state", Path.Combine(Path.GetTempPath(), $"beat-{Guid.NewGuid():N}.json")])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);
        await error.WaitForAsync("Scheduler: Sending due task own (app.tick)", 1, TimeSpan.FromSeconds(15));
        await stop.CancelAsync();

        (await run.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(0, $"{output}\n{error}");
        output.ToString().Should().Contain("    . broker -> memory://beat-embedded-").And.Contain("    . loader -> the app (1 entries)\n");
    }
}
