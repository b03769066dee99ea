using System.Diagnostics;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary><c>celeriac beat -s schedule.json</c> in this process against the cluster's Redis.</summary>
public sealed class BeatCommandTests(CliCluster cluster) : IClassFixture<CliCluster>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("celeriac-beat-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ScheduleFile(string json)
    {
        var path = Path.Combine(_dir, $"schedule-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [RedisFact]
    public async Task Beat_publishes_an_every_second_entry_logs_each_run_as_Celery_and_stops_on_cancel_with_the_lease_released()
    {
        // A queue no worker consumes, so the published runs stay there to be counted.
        var file = ScheduleFile("""{"tick": {"task": "cli.add", "schedule": 1.0, "args": [1, 2], "options": {"queue": "beat-q"}}}""");
        using var output = new WatchedWriter();
        using var error = new WatchedWriter();
        using var stop = new CancellationTokenSource();
        var run = CliApp.RunAsync(["beat", "-s", file, "-b", cluster.BrokerUrl, "-l", "info", "--schedule-name", "cli-test"], output, error, stop.Token);

        await error.WaitForAsync("Scheduler: Sending due task tick (cli.add)", 2, TimeSpan.FromSeconds(15));
        int.Parse(await RedisCli(cluster, "LLEN", "beat-q"), System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(2);
        (await RedisCli(cluster, "EXISTS", "celeriac.beat.cli-test.lease")).Should().Be("1", "it publishes, so it holds the lease");

        await stop.CancelAsync();
        (await run.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(0, $"{output}\n{error}");
        (await RedisCli(cluster, "EXISTS", "celeriac.beat.cli-test.lease")).Should().Be("0", "a stopped beat gives its lease up");

        var banner = output.ToString();
        banner.Should().StartWith("celeriac beat v").And.Contain(" is starting.\n__    -    ... __   -        _\nLocalTime -> ")
            .And.Contain($"Configuration ->\n    . broker -> {cluster.BrokerUrl}\n    . loader -> {file} (1 entries)\n")
            .And.Contain("    . scheduler -> Celeriac.Beat.CeleriacBeat\n    . db -> redis (celeriac.beat.cli-test.*)\n")
            .And.Contain("    . logfile -> [stderr]@%INFO\n    . maxinterval -> 1.00 second (1s)\n");
        error.ToString().Should().MatchRegex(@"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: INFO/MainProcess\] beat: Starting\.\.\.\n")
            .And.Contain("INFO/MainProcess] beat: Shutting down...");
    }

    [RedisFact]
    public async Task The_banner_masks_the_broker_password_and_shows_the_max_interval_as_Celery()
    {
        // A bad schedule stops before anything connects, but the banner is printed only for a good one: use
        // a good one against a broker that is down, and cancel at once.
        var file = ScheduleFile("""{"tick": {"task": "cli.add", "schedule": 60}}""");
        using var stop = new CancellationTokenSource();
        using var output = new WatchedWriter();
        using var error = new StringWriter();
        var run = CliApp.RunAsync(["beat", "-s", file, "-b", "redis://:s3cret@127.0.0.1:1/0", "--max-interval", "300"], output, error, stop.Token);
        await output.WaitForAsync("maxinterval", 1, TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        (await run.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(0);
        output.ToString().Should().Contain("    . broker -> redis://:**@127.0.0.1:1/0\n").And.NotContain("s3cret")
            .And.Contain("    . logfile -> [stderr]@%WARNING\n    . maxinterval -> 5.00 minutes (300s)\n");
    }

    [Theory]
    [InlineData(null, "no such file")]
    [InlineData("{not json", "Beat schedule file")]
    [InlineData("""{"tick": {"task": "t", "schedule": 1, "bogus": 1}}""", "bogus")]
    [InlineData("""{"tick": {"task": "t", "schedule": {"crontab": {"minute": "61"}}}}""", "61")]
    [InlineData("{}", "no entries")]
    public async Task A_missing_or_malformed_schedule_file_is_one_line_and_exit_2(string? content, string says)
    {
        var file = content is null ? Path.Combine(_dir, "missing.json") : ScheduleFile(content);
        var run = await CliRun.RunAsync("beat", "-s", file, "-b", "redis://127.0.0.1:1/0");
        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ").And.Contain(says);
        run.Output.Should().BeEmpty();
    }

    [Theory]
    [InlineData("--loglevel", "LOUD", "--loglevel 'LOUD'")]
    [InlineData("--max-interval", "0", "--max-interval")]
    [InlineData("--timezone", "Mars/Olympus", "Mars/Olympus")]
    public async Task Bad_beat_flags_are_usage_errors(string flag, string value, string says)
    {
        var run = await CliRun.RunAsync("beat", "-s", ScheduleFile("""{"tick": {"task": "t", "schedule": 1}}"""), "-b", "redis://127.0.0.1:1/0", flag, value);
        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain(says);
    }

    [Fact]
    public async Task No_schedule_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("beat", "-b", "redis://127.0.0.1:1/0");
        run.ExitCode.Should().Be(2);
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("-s/--schedule");
    }

    private static async Task<string> RedisCli(CliCluster cluster, params string[] command)
    {
        var port = new Uri(cluster.BrokerUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("redis-cli", ["-p", port, .. command]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text.Trim();
    }
}
