using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// The Celeriac worker as a process on RabbitMQ, with Python peers: SIGKILL with acks late (the
/// broker redelivers with redelivered=true, another worker completes), SIGTERM (exit 0, prefetched
/// messages back on the queue) and raw malformed messages from py-amqp (dropped, the worker runs on).
/// </summary>
public sealed class AmqpWorkerProcessTests(AmqpInteropCluster cluster, ITestOutputHelper output) : IClassFixture<AmqpInteropCluster>
{
    private static string NewQueue(string kind) => $"{kind}-{Guid.NewGuid().ToString("N")[..8]}";

    [AmqpInteropTheory]
    [InlineData("celeriac")]
    [InlineData("python")]
    public async Task Sigkill_of_an_acks_late_worker_mid_task_redelivers_its_messages_and_another_worker_completes_them(string nextWorker)
    {
        const int count = 8;
        var queue = NewQueue("kill");
        await using var victim = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue],
            "--acks-late", "--concurrency", "2", "--prefetch-multiplier", "2");
        var ids = (await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
            cluster.Client.SendTaskAsync("interop.sleep", [1.0], options: new TaskSendOptions { Queue = queue })))).Select(r => r.Id).ToList();

        // Mid-run: it holds several deliveries (running and reserved), none acked yet.
        await Poll.UntilAsync(async () => (await cluster.QueueCountsAsync(queue)).Unacked >= 3, TimeSpan.FromSeconds(15), victim.Describe);
        victim.KillHard();
        await victim.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(async () => (await cluster.QueueCountsAsync(queue)).Unacked == 0, TimeSpan.FromSeconds(15), () => "the broker did not requeue the dead worker's deliveries");

        // The first look after the kill: what the dead worker held is back, flagged redelivered.
        var waiting = await cluster.Raw.PeekAsync(queue);
        var redelivered = waiting.Where(m => m.Redelivered).Select(m => m.Id).ToList();
        redelivered.Should().HaveCountGreaterThanOrEqualTo(3, "the killed worker held at least 3 unacked deliveries; " + victim.Describe());
        (await cluster.StatusesAsync(redelivered!)).Should().Contain(s => s != "SUCCESS", "the worker died while running them");

        await using var next = nextWorker == "celeriac"
            ? await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--concurrency", "4")
            : await PythonWorker.StartAsync(cluster.Endpoints, [queue], concurrency: 4);
        await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(40), () => victim.Describe() + "\n" + next.Describe());
        await Poll.UntilAsync(async () => await cluster.QueueCountsAsync(queue) == (0, 0), TimeSpan.FromSeconds(10), next.Describe);
        output.WriteLine($"{redelivered.Count} redelivered (redelivered=true) after the kill, all run by the {nextWorker} worker");
    }

    [AmqpInteropFact]
    public async Task Sigterm_exits_0_and_prefetched_messages_go_back_on_the_queue()
    {
        const int count = 6;
        var queue = NewQueue("term");
        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--concurrency", "1", "--prefetch-multiplier", "4");
        var ids = (await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
            cluster.Client.SendTaskAsync("interop.sleep", [1.0], options: new TaskSendOptions { Queue = queue })))).Select(r => r.Id).ToList();
        await Poll.UntilAsync(async () => (await cluster.QueueCountsAsync(queue)).Unacked >= 2, TimeSpan.FromSeconds(15), worker.Describe);

        worker.Terminate();
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(20));

        exitCode.Should().Be(0, worker.Describe());
        var succeeded = (await cluster.StatusesAsync(ids)).Count(s => s == "SUCCESS");
        var (ready, unacked) = await cluster.QueueCountsAsync(queue);
        unacked.Should().Be(0);
        (succeeded + ready).Should().Be(count, "each task either finished before the exit or is back on the queue; " + worker.Describe());
        ready.Should().BeGreaterThan(0);
        output.WriteLine($"at exit: {succeeded} finished, {ready} back on the queue");

        await using var next = await PythonWorker.StartAsync(cluster.Endpoints, [queue], concurrency: 4);
        await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(20), next.Describe);
    }

    [AmqpInteropFact]
    public async Task Malformed_messages_published_raw_are_dropped_and_the_worker_runs_the_next_task()
    {
        var queue = NewQueue("bad");
        var key = "record:" + queue;
        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue]);

        await cluster.Raw.PublishAsync(queue,
            new { record = new[] { key, "bad-json" }, body = "this is not json" },
            new { record = new[] { key, "json-not-a-list" }, body = """{"not": "a list"}""" },
            new { record = new[] { key, "pickle" }, content_type = "application/x-python-serialize", body = "\u0080\u0004K\u0001." },
            new { record = new[] { key, "no-headers" }, no_headers = true },
            new { record = new[] { key, "raw-valid" } });
        var valid = await cluster.Client.SendTaskAsync("interop.record", [key, "valid"], options: new TaskSendOptions { Queue = queue });

        await ShouldRunOnlyAsync(worker, queue, key, valid.Id, "raw-valid", "valid");
    }

    [AmqpInteropFact]
    public async Task A_header_dotnet_cannot_decode_is_rejected_and_the_worker_runs_the_next_task()
    {
        var queue = NewQueue("bad-header");
        var key = "record:" + queue;
        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue]);

        // py-amqp writes an integer beyond ±2^31 with the type code 'L', which RabbitMQ.Client does not read.
        await cluster.Raw.PublishAsync(queue,
            new { record = new[] { key, "long-header" }, headers = new Dictionary<string, object> { ["big"] = 1L << 40 } },
            new { record = new[] { key, "after-long-header" } });
        var valid = await cluster.Client.SendTaskAsync("interop.record", [key, "valid"], options: new TaskSendOptions { Queue = queue });

        await ShouldRunOnlyAsync(worker, queue, key, valid.Id, "after-long-header", "valid");
    }

    /// <summary>The good messages (<paramref name="tokens"/>) ran, no other did, nothing is left queued or unacked, the worker lives.</summary>
    private async Task ShouldRunOnlyAsync(ManagedProcess worker, string queue, string key, string validId, params string[] tokens)
    {
        await cluster.WaitAllSucceededAsync([validId], TimeSpan.FromSeconds(20), worker.Describe);
        await Poll.UntilAsync(async () => (await cluster.Records.ListAsync("LRANGE", key, "0", "-1")).Count >= tokens.Length, TimeSpan.FromSeconds(20), worker.Describe);
        worker.HasExited.Should().BeFalse(worker.Describe());
        (await cluster.Records.ListAsync("LRANGE", key, "0", "-1")).Should().BeEquivalentTo(tokens, "no malformed message ran, every good one did; " + worker.Describe());
        await Poll.UntilAsync(async () => await cluster.QueueCountsAsync(queue) == (0, 0), TimeSpan.FromSeconds(10),
            () => "a malformed message stayed queued or unacked (none may be retried forever)\n" + worker.Describe());
        output.WriteLine(worker.Describe());
    }
}
