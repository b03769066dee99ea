using Celeriac.Beat;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>The beat command in an app's own command line: the app's entries on the app's broker, no schedule file needed.</summary>
public sealed class BeatCommandEmbeddedTests
{
    [RedisFact]
    public async Task Beat_in_an_app_runs_the_apps_own_entries_and_stops_on_cancel()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = redis.Url();
            o.UseRedis();
        });
        app.Beat.Add("own", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "app.tick");
        using var output = new WatchedWriter();
        using var error = new WatchedWriter();
        using var stop = new CancellationTokenSource();

        var run = CliApp.RunAsync(["beat", "-l", "info", "--schedule-name", "embedded"], output, error, stop.Token, app);
        await error.WaitForAsync("Scheduler: Sending due task own (app.tick)", 1, TimeSpan.FromSeconds(15));
        await stop.CancelAsync();

        (await run.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(0, $"{output}\n{error}");
        output.ToString().Should().Contain($"    . broker -> redis://127.0.0.1:{redis.Port}").And.Contain("    . loader -> the app (1 entries)\n");
    }

    [Fact]
    public async Task Beat_in_an_app_on_an_in_process_broker_is_refused_as_no_worker_could_hear_it()
    {
        await using var app = CeleriacApp.Create(o => o.BrokerUrl = $"memory://beat-embedded-{Guid.NewGuid():N}");
        app.Beat.Add("own", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "app.tick");

        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CliApp.RunAsync(["beat"], output, error, CancellationToken.None, app);

        code.Should().Be(CliExitCode.Usage, error.ToString());
        error.ToString().Should().Contain("lives in this process");
    }
}
