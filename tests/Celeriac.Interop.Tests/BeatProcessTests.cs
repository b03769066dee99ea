using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// The InteropWorker's beat flags as a process (docs/interop.md, "Beat"): <c>--beat</c> runs a beat
/// inside the worker, a schedule entry that does not parse stops it before <c>ready</c> naming the
/// entry, and <c>--beat-only</c> stops with status 0 on SIGTERM.
/// </summary>
public sealed class BeatProcessTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    [InteropFact]
    public async Task A_worker_with_beat_runs_its_own_beats_tasks_and_stops_with_0_on_sigterm()
    {
        var queue = BeatInteropScenarios.NewName("embedded");
        var key = BeatInteropScenarios.NewName("embedded-rec");
        using var files = new BeatFiles();
        var schedule = files.WriteSchedule(new JsonObject
        {
            [BeatInteropScenarios.NewName("tick")] = new JsonObject { ["task"] = "interop.record", ["schedule"] = 1, ["args"] = new JsonArray(key, "tick"), ["options"] = new JsonObject { ["queue"] = queue } },
        });
        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue],
            "--beat", "--schedule", schedule, "--beat-state", files.StatePath, "--timezone", "Europe/Berlin");

        await BeatRuns.WaitForRecordsAsync(cluster, key, 3, TimeSpan.FromSeconds(30), worker.Describe);
        worker.Terminate();
        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(20))).Should().Be(0, worker.Describe());
        (await cluster.QueueLengthAsync(queue)).Should().Be(0, "the worker ran what its beat published");
        output.WriteLine($"{await BeatRuns.RecordCountAsync(cluster, key)} runs\n{worker.Describe()}");
    }

    public static TheoryData<string, string> BadSchedules => new()
    {
        { "crontab minute 61", """{"fine": {"task": "interop.add", "schedule": 5, "args": [1, 2]}, "nightly-report": {"task": "interop.add", "schedule": {"crontab": {"minute": "61"}}}}""" },
        { "no task", """{"fine": {"task": "interop.add", "schedule": 5}, "nightly-report": {"schedule": 5}}""" },
        { "schedule of the wrong kind", """{"nightly-report": {"task": "interop.add", "schedule": "often"}}""" },
        { "unknown time zone", """{"nightly-report": {"task": "interop.add", "schedule": {"crontab": {"hour": "3"}}, "timezone": "Europe/Atlantis"}}""" },
    };

    [InteropTheory]
    [MemberData(nameof(BadSchedules))]
    public async Task A_schedule_entry_that_does_not_parse_stops_before_ready_naming_the_entry(string why, string schedule)
    {
        using var files = new BeatFiles();
        await using var beat = CeleriacBeatProcess.Start(cluster.Endpoints, files.WriteSchedule(schedule), files.StatePath);

        var code = await beat.WaitForExitAsync(TimeSpan.FromSeconds(30));

        code.Should().NotBe(0, $"{why}: {beat.Describe()}");
        beat.Output.Should().Contain("nightly-report", why).And.NotContain(" ready", why);
        output.WriteLine($"{why}: exit {code}\n{beat.Output}");
    }

    [InteropFact]
    public async Task A_schedule_file_that_is_not_json_stops_before_ready_naming_the_file()
    {
        using var files = new BeatFiles();
        var path = files.WriteSchedule("""{"nightly-report": {"task": "interop.add", "schedule": 5,""");
        await using var beat = CeleriacBeatProcess.Start(cluster.Endpoints, path, files.StatePath);

        var code = await beat.WaitForExitAsync(TimeSpan.FromSeconds(30));

        code.Should().NotBe(0, beat.Describe());
        beat.Output.Should().Contain(path).And.NotContain(" ready");
    }

    [InteropTheory]
    [InlineData("redis")]
    [InlineData("memory")]
    public async Task Beat_only_exits_0_on_sigterm(string broker)
    {
        using var files = new BeatFiles();
        var schedule = files.WriteSchedule(new JsonObject
        {
            [BeatInteropScenarios.NewName("idle")] = new JsonObject { ["task"] = "interop.add", ["schedule"] = 3600, ["args"] = new JsonArray(1, 2) },
        });
        var endpoints = broker == "memory" ? cluster.Endpoints with { BrokerUrl = "memory://" } : cluster.Endpoints;
        await using var beat = await CeleriacBeatProcess.StartAsync(endpoints, schedule, files.StatePath);

        beat.Terminate();

        (await beat.WaitForExitAsync(TimeSpan.FromSeconds(20))).Should().Be(0, beat.Describe());
        output.WriteLine(beat.Describe());
    }
}
