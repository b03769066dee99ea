using System.Net;
using Celeriac.Dashboard.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Fleet;

/// <summary>A Python Celery 5.2.6 worker through the fleet API: listed (ours and Flower's) and steered by the worker actions.</summary>
[Collection(FleetCollection.Name)]
public sealed class PythonWorkerTests(FleetCluster cluster)
{
    [IngestionFact]
    public async Task A_python_worker_is_listed_and_takes_consumer_and_rate_limit_actions()
    {
        await using var python = await PythonCeleryWorker.StartAsync(cluster.BrokerUrl, cluster.BrokerUrl.Replace("/0", "/1", StringComparison.Ordinal), "fleet-py");

        // Its pidbox may answer its first broadcast late on a loaded machine: ask again until it is in the list.
        await FleetCluster.EventuallyAsync(async () => (await cluster.GetJsonAsync("api/workers?refresh=1"))!.AsObject().ContainsKey(python.Node), "the Python worker answering inspect");
        var flower = (await cluster.GetJsonAsync($"api/workers?workername={python.Node}"))![python.Node]!;
        await FleetCluster.EventuallyAsync(async () => (await cluster.GetJsonAsync("api/fleet/workers"))!.AsArray()
            .Any(w => (string)w!["hostname"]! == python.Node && (bool)w["online"]!), "the Python worker online in our list");
        var add = await cluster.SendAsync($"api/fleet/workers/{python.Node}/add-consumer", new { queue = "fleet-py-extra" });
        var rate = await cluster.SendAsync($"api/fleet/workers/{python.Node}/rate-limit", new { task = "dash.add", rate = "5/s" });
        var cancel = await cluster.SendAsync($"api/worker/queue/cancel-consumer/{python.Node}?queue=fleet-py-extra");
        var queues = (await cluster.GetJsonAsync("api/fleet/queues"))!.AsArray();

        ((long)flower["stats"]!["pool"]!["max-concurrency"]!).Should().Be(1, "-P solo");
        ((string)flower["active_queues"]![0]!["name"]!).Should().Be("fleet-py");
        flower["registered"]!.AsArray().Select(t => (string)t!).Should().Contain("dash.add");
        add.Status.Should().Be(HttpStatusCode.OK, add.Body?.ToJsonString());
        ((string)add.Body!["reply"]!["ok"]!).Should().Be("add consumer fleet-py-extra");
        rate.Status.Should().Be(HttpStatusCode.OK, rate.Body?.ToJsonString());
        cancel.Status.Should().Be(HttpStatusCode.OK, cancel.Body?.ToJsonString());
        ((string)cancel.Body!["message"]!).Should().Be("no longer consuming from fleet-py-extra");
        queues.Single(q => (string)q!["name"]! == "fleet-py")!["workers"]!.AsArray().Select(w => (string)w!).Should().Contain(python.Node);
    }
}
