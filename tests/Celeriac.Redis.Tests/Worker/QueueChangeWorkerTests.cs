using System.Collections.Concurrent;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Worker;

namespace Celeriac.Redis.Tests.Worker;

/// <summary>
/// add_consumer and cancel_consumer on a worker draining real Redis: a queue added mid-run is
/// drained; a queue cancelled while tasks flow is no longer taken from, and what was taken from it
/// (acks late: still unacked at the cancel) runs once and is settled.
/// </summary>
public sealed class QueueChangeWorkerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private CeleriacApp App(string queue) => CeleriacApp.Create(o =>
    {
        o.BrokerUrl = redis.Server.Url(0);
        o.ResultBackend = redis.Server.Url(1);
        o.DefaultQueue = queue;
        o.UseRedis();
    });

    [RedisFact]
    public async Task A_queue_added_while_the_worker_drains_another_is_drained_too()
    {
        var (main, extra) = ($"main-{Guid.NewGuid():N}", $"extra-{Guid.NewGuid():N}");
        await using var app = App(main);
        var runs = new ConcurrentDictionary<string, int>();
        var task = app.Task("change.add", async (TaskContext c, int i) =>
        {
            runs.AddOrUpdate(c.TaskId, 1, (_, n) => n + 1);
            await Task.Delay(i % 3);
            return i;
        });
        await using var worker = app.CreateWorker(w => w.Concurrency = 4);
        var completed = new ConcurrentDictionary<string, byte>();
        worker.Signals.Raised += s => { if (s.Kind == WorkerSignalKind.Completed) completed[s.TaskId!] = 0; };
        await worker.StartAsync();

        var sent = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            sent.Add((await task.ApplyAsync(i, new TaskSendOptions { Queue = i % 2 == 0 ? main : extra })).Id);
            if (i == 150) (await worker.AddQueueAsync(extra, CancellationToken.None)).Should().BeTrue();
        }
        await UntilAsync(() => completed.Count == sent.Count, "every task, on either queue, completed");
        await worker.StopAsync();

        runs.Should().HaveCount(sent.Count).And.OnlyContain(r => r.Value == 1);
        worker.ConsumingQueues.Should().Equal(main, extra);
        await using var raw = TestTransports.Client(redis.Server);
        (await raw.RunAsync("LLEN", extra)).AsInt64().Should().Be(0);
    }

    [RedisFact]
    public async Task A_queue_cancelled_while_tasks_flow_is_no_longer_taken_from_and_nothing_taken_is_lost()
    {
        var (keep, drop) = ($"keep-{Guid.NewGuid():N}", $"drop-{Guid.NewGuid():N}");
        await using var app = App(keep);
        var runs = new ConcurrentDictionary<string, int>();
        var task = app.Task("change.cancel", async (TaskContext c, int i) =>
        {
            runs.AddOrUpdate(c.TaskId, 1, (_, n) => n + 1);
            await Task.Delay(2);
            return i;
        }, o => o.AcksLate = true);
        await using var worker = app.CreateWorker(w => { w.Queues = [keep, drop]; w.Concurrency = 4; w.PrefetchMultiplier = 8; });
        var completed = new ConcurrentDictionary<string, byte>();
        worker.Signals.Raised += s => { if (s.Kind == WorkerSignalKind.Completed) completed[s.TaskId!] = 0; };
        await worker.StartAsync();

        var sentToDrop = new HashSet<string>();
        var sentToKeep = new HashSet<string>();
        var cancelledAt = -1;
        for (var i = 0; i < 600; i++)
        {
            var toDrop = i % 2 == 1;
            var id = (await task.ApplyAsync(i, new TaskSendOptions { Queue = toDrop ? drop : keep })).Id;
            (toDrop ? sentToDrop : sentToKeep).Add(id);
            if (i == 200)
            {
                (await worker.CancelQueueAsync(drop, CancellationToken.None)).Should().BeTrue();
                cancelledAt = sentToDrop.Count;
            }
        }
        await UntilAsync(() => sentToKeep.All(completed.ContainsKey), "every task on the kept queue completed");
        await worker.StopAsync();

        await using var raw = TestTransports.Client(redis.Server);
        var leftInDrop = (await raw.ListAsync(drop)).Count;
        var ranFromDrop = runs.Keys.Count(sentToDrop.Contains);
        runs.Should().OnlyContain(r => r.Value == 1, "nothing ran twice");
        ranFromDrop.Should().BeLessThanOrEqualTo(cancelledAt, "only what was sent before the cancel can have been taken");
        (ranFromDrop + leftInDrop).Should().Be(sentToDrop.Count, "what was taken from the cancelled queue ran; the rest waits in it");
        leftInDrop.Should().BeGreaterThanOrEqualTo(sentToDrop.Count - cancelledAt);
        (await raw.RunAsync("HLEN", "unacked")).AsInt64().Should().Be(0, "what was taken was settled");
        worker.ConsumingQueues.Should().Equal(keep);
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(5);
        }
    }
}
