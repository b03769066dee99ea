using System.Net;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Fleet;

/// <summary>The queues page's API: depth per priority list on Redis, consumers, purge with confirmation, Flower's lengths.</summary>
[Collection(FleetCollection.Name)]
public sealed class QueueApiTests(FleetCluster cluster)
{
    [RedisFact]
    public async Task Depth_is_split_by_kombus_priority_lists_and_purge_needs_the_name_confirmed()
    {
        foreach (var priority in new int?[] { null, 0, 5, 9, 9 })
            await cluster.App.SendTaskAsync("fleet.add", [1, 2], options: new TaskSendOptions { Queue = FleetCluster.PriorityQueue, Priority = priority });

        var queue = await QueueAsync(FleetCluster.PriorityQueue);
        var celery = await QueueAsync("celery");
        var wrong = await cluster.SendAsync($"api/fleet/queues/{FleetCluster.PriorityQueue}/purge", new { confirm = "celery" });
        var missing = await cluster.SendAsync($"api/fleet/queues/{FleetCluster.PriorityQueue}/purge");
        var afterRefusals = await QueueAsync(FleetCluster.PriorityQueue);
        var purge = await cluster.SendAsync($"api/fleet/queues/{FleetCluster.PriorityQueue}/purge", new { confirm = FleetCluster.PriorityQueue });
        var afterPurge = await QueueAsync(FleetCluster.PriorityQueue);
        var audit = (await cluster.GetJsonAsync("api/audit?limit=200"))!["entries"]!.AsArray()
            .Where(e => (string)e!["action"]! == "queue.purge" && (string?)e["target"] == FleetCluster.PriorityQueue).ToList();

        ((long)queue["messages"]!).Should().Be(5);
        // Redis priorities run from 0 (first) to 9; kombu's steps are 0, 3, 6, 9: priority 5 waits in the step-3 list.
        queue["priorities"]!.AsObject().ToDictionary(p => p.Key, p => (long)p.Value!).Should().Equal(new Dictionary<string, long> { ["0"] = 2, ["3"] = 1, ["6"] = 0, ["9"] = 2 });
        ((long)queue["consumers"]!).Should().Be(0);
        queue["workers"]!.AsArray().Should().BeEmpty();
        ((long)celery["consumers"]!).Should().Be(1, "the worker consumes celery");
        celery["workers"]!.AsArray().Select(w => (string)w!).Should().Equal(FleetCluster.Node);
        wrong.Status.Should().Be(HttpStatusCode.BadRequest);
        ((string)wrong.Body!["error"]!).Should().Contain($"'{FleetCluster.PriorityQueue}'");
        missing.Status.Should().Be(HttpStatusCode.BadRequest);
        ((long)afterRefusals["messages"]!).Should().Be(5, "a refused purge deletes nothing");
        purge.Status.Should().Be(HttpStatusCode.OK, purge.Body?.ToJsonString());
        ((long)purge.Body!["purged"]!).Should().Be(5);
        ((long)afterPurge["messages"]!).Should().Be(0);
        audit.Select(e => (string)e!["outcome"]!).Should().Contain("ok").And.Contain(o => o.StartsWith("error: purging deletes"));
        audit.Should().Contain(e => ((string?)e!["detail"] ?? "").Contains("\"purged\":5"));
    }

    [RedisFact]
    public async Task A_queue_tasks_came_from_is_listed_with_its_rates_over_the_last_minute()
    {
        var now = DateTimeOffset.UtcNow;
        var lastMinute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-1).AddSeconds(10);
        var events = new List<Store.TaskEvent>();
        for (var i = 0; i < 6; i++) events.Add(new Store.TaskEvent($"rate-{i}", "RECEIVED", lastMinute) { Name = "rate.task", Queue = "fleet-rates" });
        for (var i = 0; i < 3; i++) events.Add(new Store.TaskEvent($"rate-{i}", "SUCCESS", lastMinute.AddSeconds(1)) { Runtime = 0.5 });
        await cluster.Store.WriteAsync(new Store.DashboardBatch { Tasks = [.. events] });

        var queue = await QueueAsync("fleet-rates");

        ((double)queue["rate_in"]!).Should().BeApproximately(0.1, 1e-9, "6 received in the last minute");
        ((double)queue["rate_out"]!).Should().BeApproximately(0.05, 1e-9, "3 finished in the last minute");
        ((long)queue["messages"]!).Should().Be(0);
    }

    [RedisFact]
    public async Task Flowers_queue_lengths_list_the_known_queues()
    {
        var lengths = (await cluster.GetJsonAsync("api/queues/length"))!["active_queues"]!.AsArray();

        lengths.Select(q => (string)q!["name"]!).Should().Contain(["celery", FleetCluster.PriorityQueue]);
        lengths.Should().OnlyContain(q => q!["messages"] != null);
    }

    private async Task<System.Text.Json.Nodes.JsonNode> QueueAsync(string name) =>
        (await cluster.GetJsonAsync("api/fleet/queues"))!.AsArray().Single(q => (string)q!["name"]! == name)!;
}
