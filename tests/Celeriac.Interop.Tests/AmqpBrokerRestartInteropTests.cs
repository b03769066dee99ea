using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// A rabbitmq-server of its own, restarted while a Celeriac worker process drains 5,000 tasks a
/// Python producer sent: the worker resumes by itself, every task completes, none is lost, and the
/// duplicates (tasks whose ack the restart swallowed, run again) are counted and printed.
/// </summary>
public sealed class AmqpBrokerRestartInteropTests(PrivateAmqpInteropCluster cluster, ITestOutputHelper output) : IClassFixture<PrivateAmqpInteropCluster>
{
    [AmqpInteropFact]
    public async Task A_broker_restart_in_the_middle_of_5000_tasks_loses_none_and_counts_duplicates()
    {
        const int count = 5000;
        const string queue = "restart";
        const string key = "record:restart";
        var ids = await cluster.PythonClient.SendManyAsync(Enumerable.Range(0, count)
            .Select(i => (object)new { name = "interop.record", args = new object[] { key, $"t{i}" }, queue }));
        (await cluster.QueueCountsAsync(queue)).Ready.Should().Be(count, "the producer's messages are all queued (durable, persistent)");

        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--concurrency", "4");
        await Poll.UntilAsync(async () => await cluster.Records.IntegerAsync("LLEN", key) >= 1000, TimeSpan.FromSeconds(60), worker.Describe);
        var beforeStop = await cluster.Records.IntegerAsync("LLEN", key);
        await cluster.Rabbit.StopAsync(crash: false);
        await cluster.Rabbit.StartAgainAsync();
        output.WriteLine($"broker restarted after {beforeStop} of {count} had run");

        await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(90), worker.Describe);
        await Poll.UntilAsync(async () => await cluster.QueueCountsAsync(queue) == (0, 0), TimeSpan.FromSeconds(30), worker.Describe);

        var recorded = await cluster.Records.ListAsync("LRANGE", key, "0", "-1");
        var duplicates = recorded.GroupBy(t => t).Where(g => g.Count() > 1).Sum(g => g.Count() - 1);
        output.WriteLine($"{recorded.Count} runs for {count} tasks: {recorded.Distinct().Count()} distinct, {duplicates} duplicates");
        recorded.Distinct().Should().HaveCount(count, "every task ran at least once");
        worker.HasExited.Should().BeFalse(worker.Describe());
        output.WriteLine(worker.Describe());
    }
}
