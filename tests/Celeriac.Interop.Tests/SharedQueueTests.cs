using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>A Python Celery worker and a Celeriac worker consuming one queue together.</summary>
public sealed class SharedQueueTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    [InteropFact]
    public async Task Python_and_celeriac_workers_on_one_queue_run_every_task_exactly_once()
    {
        const int perClient = 200;
        var queue = "shared-" + Guid.NewGuid().ToString("N")[..8];
        var key = "record:" + queue;
        await using var python = await PythonWorker.StartAsync(cluster.Endpoints, [queue]);
        await using var celeriac = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--concurrency", "2");

        // Half from a Python client, half from ours, at the same time.
        var fromPython = cluster.PythonClient.SendAsync(Enumerable.Range(0, perClient)
            .Select(i => (object)new { name = "interop.record", args = new object[] { key, $"py-{i}" }, queue }).ToArray());
        var fromUs = Task.WhenAll(Enumerable.Range(0, perClient).Select(i =>
            cluster.Client.SendTaskAsync("interop.record", [key, $"cx-{i}"], options: new TaskSendOptions { Queue = queue })));
        var ids = (await fromPython).Ids.Concat((await fromUs).Select(r => r.Id)).ToList();

        await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(60), () => python.Describe() + "\n" + celeriac.Describe());

        // Every result is stored and nothing is left to deliver: no execution can still come.
        (await cluster.QueueLengthAsync(queue)).Should().Be(0);
        (await cluster.UnackedTaskIdsAsync(queue)).Should().BeEmpty();
        var recorded = await cluster.Records.ListAsync("LRANGE", key, "0", "-1");
        var expected = Enumerable.Range(0, perClient).SelectMany(i => new[] { $"py-{i}", $"cx-{i}" });
        recorded.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(expected, "every task runs exactly once");
        var ranByPython = await cluster.Records.ListAsync("LRANGE", key + ":python", "0", "-1");
        ranByPython.Should().NotBeEmpty("the Python worker took part; " + python.Describe())
            .And.HaveCountLessThan(2 * perClient, "the Celeriac worker took part; " + celeriac.Describe());
        output.WriteLine($"{ranByPython.Count} ran on the Python worker, {2 * perClient - ranByPython.Count} on the Celeriac worker");
    }
}
