using Celeriac.Compliance;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Backend;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>Waiting clients on pub/sub (docs/protocol.md §4.3): many at once, unsubscribing, and Redis restarts.</summary>
public sealed class RedisResultWaiterTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(15);

    [RedisFact]
    public async Task Ten_thousand_concurrent_waiters_share_one_subscriber_and_are_all_woken()
    {
        const int count = 10_000;
        await using var client = TestBackends.Create(redis.Server);
        await using var worker = TestBackends.Create(redis.Server);
        await using var raw = new RedisClient(redis.Server.Options(database: 1));
        var metas = Enumerable.Range(0, count).Select(i => ComplianceResults.Success(ComplianceResults.NewId(), result: i)).ToList();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var waiting = metas.Select(m => client.WaitForReadyAsync(m.TaskId, cts.Token).AsTask()).ToList();
        await Eventually.SucceedsAsync(() => client.Waiters.SubscribedCount == count ? Task.FromResult(true) : throw new InvalidOperationException($"{client.Waiters.SubscribedCount} subscribed"), Recovery);
        var clients = (await raw.ExecuteAsync(new RedisCommand("CLIENT", "LIST", "TYPE", "pubsub"))).AsString()!;
        clients.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("all waiters multiplex one subscriber connection");
        foreach (var batch in metas.Chunk(256)) await worker.StoreAsync(batch);
        var woken = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(60));

        woken.Select(m => m.Result!.GetValue<int>()).Should().Equal(Enumerable.Range(0, count));
        await Eventually.SucceedsAsync(async () =>
        {
            var counts = (await raw.ExecuteAsync(new RedisCommand("PUBSUB", "NUMSUB", "celery-task-meta-" + metas[0].TaskId, "celery-task-meta-" + metas[^1].TaskId))).AsArray();
            var left = counts[1].AsInt64() + counts[3].AsInt64();
            return client.Waiters.SubscribedCount == 0 && left == 0 ? true : throw new InvalidOperationException($"{client.Waiters.SubscribedCount} still subscribed");
        }, Recovery);
    }

    [RedisFact]
    public async Task A_cancelled_waiter_unsubscribes_and_a_new_one_subscribes_again()
    {
        await using var client = TestBackends.Create(redis.Server);
        await using var worker = TestBackends.Create(redis.Server);
        await using var raw = new RedisClient(redis.Server.Options(database: 1));
        var success = ComplianceResults.Success(ComplianceResults.NewId());
        var channel = "celery-task-meta-" + success.TaskId;
        using var cancel = new CancellationTokenSource();

        var cancelled = client.WaitForReadyAsync(success.TaskId, cancel.Token).AsTask();
        await Eventually.SucceedsAsync(() => SubscribersAsync(raw, channel, 1), Recovery);
        await cancel.CancelAsync();
        await FluentActions.Awaiting(() => cancelled).Should().ThrowAsync<OperationCanceledException>();
        await Eventually.SucceedsAsync(() => SubscribersAsync(raw, channel, 0), Recovery);

        using var patient = new CancellationTokenSource(Recovery);
        var listening = ListeningAsync(client, success.TaskId);
        var waiting = client.WaitForReadyAsync(success.TaskId, patient.Token).AsTask();
        await listening.WaitAsync(Recovery);
        (await SubscribersAsync(raw, channel, 1)).Should().BeTrue();
        var handled = HandledAsync(client, channel);
        await worker.StoreAsync([ComplianceResults.State(success.TaskId, TaskStates.Started)]);
        (await handled.WaitAsync(Recovery)).Should().BeFalse("STARTED is published but is not ready");
        waiting.IsCompleted.Should().BeFalse();
        await worker.StoreAsync([success]);
        (await waiting.WaitAsync(Recovery)).Status.Should().Be(TaskStates.Success);
    }

    [RedisFact]
    public async Task Disposing_the_backend_ends_its_waits()
    {
        var client = TestBackends.Create(redis.Server);
        var waiting = client.WaitForReadyAsync(ComplianceResults.NewId(), CancellationToken.None).AsTask();
        await Eventually.SucceedsAsync(() => client.Waiters.SubscribedCount == 1 ? Task.FromResult(true) : throw new InvalidOperationException(), Recovery);

        await client.DisposeAsync();

        await FluentActions.Awaiting(() => waiting.WaitAsync(Recovery)).Should().ThrowAsync<ObjectDisposedException>();
    }

    [RedisFact]
    public async Task A_result_stored_while_the_subscriber_was_away_wakes_the_waiter_after_a_restart()
    {
        // Deterministic version of "stored while disconnected": the meta is written without a
        // PUBLISH and saved to disk, the server is killed and comes back with it loaded. Only the
        // GET after resubscribing can find it.
        await using var server = await RedisServer.StartAsync();
        await using var client = TestBackends.Create(server, query: "socket_connect_timeout=0.5", watchInterval: TimeSpan.FromMilliseconds(50));
        await using var raw = new RedisClient(server.Options(database: 1, query: "socket_connect_timeout=0.5"));
        var success = ComplianceResults.Success(ComplianceResults.NewId());
        using var cts = new CancellationTokenSource(Recovery * 2);
        var channel = "celery-task-meta-" + success.TaskId;
        var listening = ListeningAsync(client, success.TaskId);
        var waiting = client.WaitForReadyAsync(success.TaskId, cts.Token).AsTask();
        await listening.WaitAsync(Recovery); // subscribed, and past the waiter's own GET

        await raw.ExecuteAsync(new RedisCommand("SET", channel, success.ToUtf8Bytes()));
        // A SET alone wakes nobody: a non-ready publish after it reaches the waiter and leaves it waiting.
        var handled = HandledAsync(client, channel);
        await raw.ExecuteAsync(new RedisCommand("PUBLISH", channel, ComplianceResults.State(success.TaskId, TaskStates.Started).ToUtf8Bytes()));
        (await handled.WaitAsync(Recovery)).Should().BeFalse("nothing ready was published");
        waiting.IsCompleted.Should().BeFalse();
        await raw.ExecuteAsync(new RedisCommand("SAVE"));
        await server.StopAsync();
        await Task.Delay(300);
        await server.StartAgainAsync();

        var meta = await waiting.WaitAsync(Recovery);
        ComplianceResults.Json(meta).Should().Be(ComplianceResults.Json(success));
    }

    [RedisFact]
    public async Task A_waiter_is_woken_by_a_result_stored_right_after_a_restart()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = TestBackends.Create(server, query: "socket_connect_timeout=0.5", watchInterval: TimeSpan.FromMilliseconds(50));
        await using var worker = TestBackends.Create(server, query: "socket_connect_timeout=0.5");
        var success = ComplianceResults.Success(ComplianceResults.NewId());
        using var cts = new CancellationTokenSource(Recovery * 2);
        var waiting = client.WaitForReadyAsync(success.TaskId, cts.Token).AsTask();
        await Eventually.SucceedsAsync(() => client.Waiters.SubscribedCount == 1 ? Task.FromResult(true) : throw new InvalidOperationException(), Recovery);

        await server.StopAsync();
        await Task.Delay(300);
        await server.StartAgainAsync();
        // As soon as the worker gets through, whether or not the subscriber is back yet.
        await Eventually.SucceedsAsync(async () =>
        {
            await worker.StoreAsync([success]);
            return true;
        }, Recovery);

        (await waiting.WaitAsync(Recovery)).Status.Should().Be(TaskStates.Success);
    }

    // Completes once the waiter of taskId is subscribed and its GET found nothing ready (no sleeping
    // "long enough" for it).
    private static Task ListeningAsync(RedisResultBackend backend, string taskId)
    {
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Waiters.Listening += id =>
        {
            if (id == taskId) listening.TrySetResult();
        };
        return listening.Task;
    }

    // Completes when the next message on channel has been handled, with whether its waiter is now ready.
    private static Task<bool> HandledAsync(RedisResultBackend backend, string channel)
    {
        var handled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Waiters.MessageHandled += (seen, ready) =>
        {
            if (seen == channel) handled.TrySetResult(ready);
        };
        return handled.Task;
    }

    private static async Task<bool> SubscribersAsync(RedisClient raw, string channel, long expected)
    {
        var actual = (await raw.ExecuteAsync(new RedisCommand("PUBSUB", "NUMSUB", channel))).AsArray()[1].AsInt64();
        return actual == expected ? true : throw new InvalidOperationException($"{actual} subscriber(s) on {channel}, expected {expected}");
    }
}
