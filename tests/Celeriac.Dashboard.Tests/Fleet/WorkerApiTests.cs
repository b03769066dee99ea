using System.Net;
using System.Text.Json.Nodes;
using Celeriac.Dashboard.Store;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Fleet;

/// <summary>The workers page's API and the worker actions, ours and Flower's, against a live worker.</summary>
[Collection(FleetCollection.Name)]
public sealed class WorkerApiTests(FleetCluster cluster)
{
    [RedisFact]
    public async Task The_worker_list_joins_the_store_with_the_live_inspect()
    {
        var now = DateTimeOffset.UtcNow;
        await cluster.Store.WriteAsync(new DashboardBatch
        {
            Workers =
            [
                new WorkerUpdate(FleetCluster.Node, now, true) { SoftwareIdent = "celeriac", Frequency = 2, Active = 0, Processed = 7, LoadAverage = "[0.5, 0.25, 0.125]" },
                new WorkerUpdate("gone@old", now - TimeSpan.FromDays(3), false) { SoftwareIdent = "py-celery" },
                new WorkerUpdate("gone@recent", now - TimeSpan.FromMinutes(5), true) { SoftwareIdent = "py-celery" },
            ],
        });

        var rows = (await cluster.GetJsonAsync("api/fleet/workers"))!.AsArray();

        rows.Select(r => (string)r!["hostname"]!).Should().Equal(FleetCluster.Node, "gone@recent"); // online first; the 3-day-old one aged out
        var worker = rows[0]!;
        ((bool)worker["online"]!).Should().BeTrue();
        ((string)worker["sw_ident"]!).Should().Be("celeriac");
        ((long)worker["concurrency"]!).Should().Be(2);
        worker["queues"]!.AsArray().Select(q => (string)q!).Should().Equal("celery");
        // Three load averages: the written ones, or the real worker's own once its next heartbeat is ingested.
        worker["loadavg"]!.AsArray().Select(v => (double)v!).Should().HaveCount(3).And.OnlyContain(v => v >= 0);
        ((string)worker["last_heartbeat"]!).Should().EndWith("Z");
        var gone = rows[1]!;
        ((bool)gone["online"]!).Should().BeFalse("its last event is 5 minutes old");
        gone["offline_since"].Should().NotBeNull();
    }

    [RedisFact]
    public async Task Pool_grow_and_shrink_reach_the_worker_and_show_in_the_list()
    {
        var grow = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/pool-grow", new { n = 2 });
        grow.Status.Should().Be(HttpStatusCode.OK, grow.Body?.ToJsonString());
        ((bool)grow.Body!["ok"]!).Should().BeTrue();
        grow.Body["reply"]!["ok"].Should().NotBeNull();
        await FleetCluster.EventuallyAsync(async () => (long?)(await ConcurrencyAsync()) == 4, "concurrency 4 after growing by 2");

        var shrink = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/pool-shrink", new { n = 2 });
        shrink.Status.Should().Be(HttpStatusCode.OK, shrink.Body?.ToJsonString());
        await FleetCluster.EventuallyAsync(async () => (long?)(await ConcurrencyAsync()) == 2, "concurrency 2 after shrinking back");
    }

    [RedisFact]
    public async Task Add_and_cancel_consumer_change_the_queues_the_worker_consumes()
    {
        var add = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/add-consumer", new { queue = "fleet-added" });
        add.Status.Should().Be(HttpStatusCode.OK, add.Body?.ToJsonString());
        await FleetCluster.EventuallyAsync(async () => (await QueuesAsync()).Contains("fleet-added"), "fleet-added among the worker's queues");

        var cancel = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/cancel-consumer", new { queue = "fleet-added" });
        cancel.Status.Should().Be(HttpStatusCode.OK, cancel.Body?.ToJsonString());
        await FleetCluster.EventuallyAsync(async () => !(await QueuesAsync()).Contains("fleet-added"), "fleet-added no longer consumed");
    }

    [RedisFact]
    public async Task Rate_and_time_limits_are_answered_by_the_worker()
    {
        var rate = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/rate-limit", new { task = "fleet.add", rate = "10/m" });
        var time = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/time-limit", new { task = "fleet.add", soft = 30, hard = 60 });
        var unknownTask = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/rate-limit", new { task = "no.such.task", rate = "1/s" });

        rate.Status.Should().Be(HttpStatusCode.OK, rate.Body?.ToJsonString());
        time.Status.Should().Be(HttpStatusCode.OK, time.Body?.ToJsonString());
        unknownTask.Status.Should().Be(HttpStatusCode.Conflict, "the worker answers an error for a task it does not know");
        ((bool)unknownTask.Body!["ok"]!).Should().BeFalse();
        ((string)unknownTask.Body["error"]!).Should().NotBeNullOrEmpty();
        await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/rate-limit", new { task = "fleet.add", rate = "0" });
    }

    [RedisFact]
    public async Task Bad_input_and_unknown_workers_get_clear_errors()
    {
        var zero = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/pool-grow", new { n = 0 });
        var text = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/pool-grow", "{not json");
        var noQueue = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/add-consumer", new { });
        var badScale = await cluster.SendAsync($"api/fleet/workers/{FleetCluster.Node}/autoscale", new { max = 1, min = 3 });
        var nobody = await cluster.SendAsync("api/fleet/workers/nobody@nowhere/pool-grow", new { n = 1 });

        zero.Status.Should().Be(HttpStatusCode.BadRequest);
        ((string)zero.Body!["error"]!).Should().Contain("n must be");
        text.Status.Should().Be(HttpStatusCode.BadRequest);
        noQueue.Status.Should().Be(HttpStatusCode.BadRequest);
        ((string)noQueue.Body!["error"]!).Should().Be("queue is required");
        badScale.Status.Should().Be(HttpStatusCode.BadRequest);
        nobody.Status.Should().Be(HttpStatusCode.NotFound);
        ((string)nobody.Body!["error"]!).Should().Contain("nobody@nowhere");
    }

    [RedisFact]
    public async Task Flowers_worker_list_and_control_paths_answer_as_Flower_does()
    {
        var all = (await cluster.GetJsonAsync("api/workers?refresh=1"))!.AsObject();
        var status = (await cluster.GetJsonAsync("api/workers?status=1"))!.AsObject();
        var one = (await cluster.GetJsonAsync($"api/workers?workername={FleetCluster.Node}"))!.AsObject();
        var grow = await cluster.SendAsync($"api/worker/pool/grow/{FleetCluster.Node}?n=1");
        var shrink = await cluster.SendAsync($"api/worker/pool/shrink/{FleetCluster.Node}?n=1");
        var timeout = await cluster.SendAsync($"api/task/timeout/fleet.add?workername={FleetCluster.Node}&soft=10&hard=20");
        var noWorker = await cluster.SendAsync("api/task/rate-limit/fleet.add?ratelimit=5");
        var unknown = await cluster.Http.GetAsync("api/workers?workername=nobody@nowhere");

        var info = all[FleetCluster.Node]!;
        ((long)info["stats"]!["pool"]!["max-concurrency"]!).Should().BeGreaterThan(0);
        ((string)info["active_queues"]![0]!["name"]!).Should().Be("celery");
        info["registered"]!.AsArray().Select(t => (string)t!).Should().Contain(t => t.StartsWith("fleet.add"));
        info["timestamp"].Should().NotBeNull();
        ((bool)status[FleetCluster.Node]!).Should().BeTrue();
        one.Select(p => p.Key).Should().Equal(FleetCluster.Node);
        grow.Status.Should().Be(HttpStatusCode.OK, grow.Body?.ToJsonString());
        ((string)grow.Body!["message"]!).Should().Be($"Growing '{FleetCluster.Node}' worker's pool by 1");
        shrink.Status.Should().Be(HttpStatusCode.OK, shrink.Body?.ToJsonString());
        timeout.Status.Should().Be(HttpStatusCode.OK, timeout.Body?.ToJsonString());
        noWorker.Status.Should().Be(HttpStatusCode.BadRequest);
        ((string)noWorker.Body!["error"]!).Should().Be("Missing argument workername");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task<long?> ConcurrencyAsync() => (long?)(await WorkerAsync())?["concurrency"];

    private async Task<List<string>> QueuesAsync() =>
        (await WorkerAsync())?["queues"]?.AsArray().Select(q => (string)q!).ToList() ?? [];

    private async Task<JsonNode?> WorkerAsync() =>
        (await cluster.GetJsonAsync("api/fleet/workers"))!.AsArray().FirstOrDefault(w => (string)w!["hostname"]! == FleetCluster.Node);
}
