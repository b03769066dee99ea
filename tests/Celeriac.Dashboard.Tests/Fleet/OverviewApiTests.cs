using System.Net;
using System.Text.Json.Nodes;
using Celeriac.Dashboard.Store;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Fleet;

/// <summary>The overview's series and per-task table from the store's rollups, and its windows.</summary>
[Collection(FleetCollection.Name)]
public sealed class OverviewApiTests(FleetCluster cluster)
{
    [RedisFact]
    public async Task The_overview_sums_the_rollups_per_step_and_per_task()
    {
        var now = DateTimeOffset.UtcNow;
        var tasks = new List<TaskEvent>();
        for (var i = 0; i < 10; i++)
            tasks.Add(new TaskEvent($"ov-ok-{i}", "SUCCESS", now) { Name = "overview.fast", Runtime = 0.004, Queue = "ov-queue" });
        tasks.Add(new TaskEvent("ov-slow", "SUCCESS", now) { Name = "overview.slow", Runtime = 1.5 });
        tasks.Add(new TaskEvent("ov-bad", "FAILURE", now) { Name = "overview.slow", Runtime = 0.3 });
        await cluster.Store.WriteAsync(new DashboardBatch { Tasks = [.. tasks] });

        var overview = (await cluster.GetJsonAsync("api/overview?window=15m"))!;
        var day = (await cluster.GetJsonAsync("api/overview?window=24h"))!;
        var named = (await cluster.GetJsonAsync("api/overview?window=1h&name=overview.slow"))!;
        var byQueue = (await cluster.GetJsonAsync("api/overview?window=15m&queue=ov-queue"))!;
        var bad = await cluster.Http.GetAsync("api/overview?window=2h");

        ((double)overview["step_seconds"]!).Should().Be(60);
        var series = overview["series"]!.AsArray();
        series.Should().HaveCount(15);
        series.Sum(p => (long)p!["succeeded"]!).Should().BeGreaterThanOrEqualTo(11);
        var last = series.Last(p => (long)p!["succeeded"]! > 0)!;
        ((double)last["runtime_p50"]!).Should().Be(0.005);
        var fast = overview["by_task"]!.AsArray().Single(t => (string)t!["name"]! == "overview.fast")!;
        ((long)fast["succeeded"]!).Should().Be(10);
        ((double)fast["failure_rate"]!).Should().Be(0);
        var slow = overview["by_task"]!.AsArray().Single(t => (string)t!["name"]! == "overview.slow")!;
        ((long)slow["failed"]!).Should().Be(1);
        ((double)slow["failure_rate"]!).Should().Be(0.5);
        ((double)slow["runtime_p95"]!).Should().Be(2);
        ((double)day["step_seconds"]!).Should().Be(900);
        day["series"]!.AsArray().Should().HaveCount(96);
        named["by_task"]!.AsArray().Select(t => (string)t!["name"]!).Should().Equal("overview.slow");
        var queueRow = overview["by_queue"]!.AsArray().Single(q => (string)q!["queue"]! == "ov-queue")!;
        ((long)queueRow["succeeded"]!).Should().Be(10);
        byQueue["by_task"]!.AsArray().Select(t => (string)t!["name"]!).Should().Equal("overview.fast");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [RedisFact]
    public async Task A_task_whose_events_name_no_queue_counts_under_its_workers_only_queue()
    {
        // The workers' queues are known once they answered an inspect; the dashboard asks in the background.
        await FleetCluster.EventuallyAsync(async () =>
            (await cluster.GetJsonAsync("api/fleet/workers"))!.AsArray().Any(w => (string)w!["hostname"]! == FleetCluster.Node && w["queues"] is JsonArray { Count: > 0 }),
            "the worker's queues are known");
        // Sent without task-sent events: only the worker's task-received and its finish reach the dashboard, neither naming a queue.
        var id = (await cluster.App.SendTaskAsync("fleet.add", [20, 22])).Id;
        await FleetCluster.EventuallyAsync(async () => (await cluster.Store.GetTaskAsync(id))?.Task.State == "SUCCESS", "the task is stored as finished");

        (await cluster.Store.GetTaskAsync(id))!.Task.Queue.Should().Be("celery");
        var overview = (await cluster.GetJsonAsync("api/overview?window=15m"))!;
        var celery = overview["by_queue"]!.AsArray().Single(q => (string)q!["queue"]! == "celery")!;
        ((long)celery["succeeded"]!).Should().BeGreaterThanOrEqualTo(1);
    }
}
