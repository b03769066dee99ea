using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// One RabbitMQ queue (with <c>x-max-priority</c>) between the two languages: a Python and a
/// Celeriac worker sharing it, and a prioritised backlog run highest-first (RabbitMQ's order,
/// the reverse of kombu's Redis emulation) whichever side sent it.
/// </summary>
public sealed class AmqpSharedQueueTests(AmqpInteropCluster cluster, ITestOutputHelper output) : IClassFixture<AmqpInteropCluster>
{
    private static string NewQueue(string kind) => $"{kind}-{Guid.NewGuid().ToString("N")[..8]}";

    [AmqpInteropFact]
    public async Task Python_and_celeriac_workers_on_one_queue_run_every_task_exactly_once()
    {
        const int perClient = 200;
        var queue = NewQueue("shared");
        var key = "record:" + queue;
        await using var python = await PythonWorker.StartAsync(cluster.Endpoints, [queue]);
        await using var celeriac = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--concurrency", "2");

        var fromPython = cluster.PythonClient.SendAsync(Enumerable.Range(0, perClient)
            .Select(i => (object)new { name = "interop.record", args = new object[] { key, $"py-{i}" }, queue }).ToArray());
        var fromUs = Task.WhenAll(Enumerable.Range(0, perClient).Select(i =>
            cluster.Client.SendTaskAsync("interop.record", [key, $"cx-{i}"], options: new TaskSendOptions { Queue = queue })));
        var ids = (await fromPython).Ids.Concat((await fromUs).Select(r => r.Id)).ToList();

        await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(60), () => python.Describe() + "\n" + celeriac.Describe());

        (await cluster.QueueCountsAsync(queue)).Should().Be((0, 0));
        var recorded = await cluster.Records.ListAsync("LRANGE", key, "0", "-1");
        recorded.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(
            Enumerable.Range(0, perClient).SelectMany(i => new[] { $"py-{i}", $"cx-{i}" }), "every task runs exactly once");
        var ranByPython = await cluster.Records.ListAsync("LRANGE", key + ":python", "0", "-1");
        ranByPython.Should().NotBeEmpty("the Python worker took part; " + python.Describe())
            .And.HaveCountLessThan(2 * perClient, "the Celeriac worker took part; " + celeriac.Describe());
        output.WriteLine($"{ranByPython.Count} ran on the Python worker, {2 * perClient - ranByPython.Count} on the Celeriac worker");
    }

    [AmqpInteropTheory]
    [InlineData("python-client", "celeriac-worker")]
    [InlineData("celeriac-client", "python-worker")]
    public async Task A_prioritised_backlog_runs_highest_priority_first(string client, string worker)
    {
        var queue = NewQueue("prio");
        var key = "record:" + queue;
        var sends = new List<(int Priority, string Token)>();
        for (var i = 0; i < 3; i++)
            foreach (var priority in new[] { 0, 5, 9 })
                sends.Add((priority, $"p{priority}-{i}"));
        IReadOnlyList<string> ids;
        if (client == "python-client")
        {
            ids = (await cluster.PythonClient.SendAsync(sends.Select(s => (object)new { name = "interop.record", args = new object[] { key, s.Token }, priority = s.Priority, queue }).ToArray())).Ids;
        }
        else
        {
            var results = new List<string>();
            foreach (var (priority, token) in sends)
                results.Add((await cluster.Client.SendTaskAsync("interop.record", [key, token], options: new TaskSendOptions { Queue = queue, Priority = priority })).Id);
            ids = results;
        }
        var declared = await cluster.DeclarationsAsync(cluster.VirtualHost, queue);
        (await cluster.QueueCountsAsync(queue)).Ready.Should().Be(sends.Count, "the backlog waits in the queue the client declared");
        declared.Should().Contain("x-max-priority");

        await using var process = worker == "celeriac-worker"
            ? await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--concurrency", "1", "--prefetch-multiplier", "1")
            : await PythonWorker.StartAsync(cluster.Endpoints, [queue], concurrency: 1);
        await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(30), process.Describe);

        (await cluster.Records.ListAsync("LRANGE", key, "0", "-1")).Should().Equal(
            ["p9-0", "p9-1", "p9-2", "p5-0", "p5-1", "p5-2", "p0-0", "p0-1", "p0-2"], $"higher is more urgent on RabbitMQ; the client declared\n{declared}\n{process.Describe()}");
    }
}
