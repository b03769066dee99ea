using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Revocation;
using Celeriac.Worker;

namespace Celeriac.Redis.Tests.Worker;

/// <summary>
/// Revokes that hold, on a real Redis (docs/architecture.md "Revokes that hold"): a revoke is kept in the
/// broker's database (<c>celeriac.revoked</c>, a sorted set by the server's time), so a worker that was
/// not running when it was sent — or whose mailbox was away — still discards the task: REVOKED, not run.
/// </summary>
public sealed class DurableRevokeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _prefix = TestTransports.NewPrefix();
    private readonly string _queue = $"rv-{Guid.NewGuid():N}";
    private int _runs;

    private CeleriacApp App() => CeleriacApp.Create(o =>
    {
        o.BrokerUrl = redis.Server.Url(0);
        o.ResultBackend = redis.Server.Url(1);
        o.BrokerTransportOptions["global_keyprefix"] = _prefix;
        o.DefaultQueue = _queue;
        o.UseRedis();
    });

    private Tasks.CeleriacActionTask Recording(CeleriacApp app) => app.Task("rv.durable", () => { Interlocked.Increment(ref _runs); });

    /// <summary>Waits for the worker to complete <paramref name="taskId"/>; the signal is raised once its result is stored and its message settled.</summary>
    private static async Task<WorkerSignal> CompletedAsync(CeleriacWorker worker, string taskId, Func<Task> send)
    {
        var done = new TaskCompletionSource<WorkerSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Signals.Raised += s => { if (s.Kind == WorkerSignalKind.Completed && s.TaskId == taskId) done.TrySetResult(s); };
        await send();
        return await done.Task.WaitAsync(Patience);
    }

    [RedisFact]
    public async Task A_revoke_sent_with_no_worker_running_holds_for_a_worker_started_later_REVOKED_not_run()
    {
        var id = Guid.NewGuid().ToString();
        await using (var client = App())
        {
            // The public call: no worker is listening to its broadcast, only the broker keeps the revoke.
            var replies = await client.Control.RevokeAsync([id], options: new Control.ControlCallOptions { Reply = true, Timeout = TimeSpan.FromMilliseconds(300) });
            replies.Should().BeEmpty("no worker was running");
        }

        await using var app = App();
        var task = Recording(app);
        await using var worker = app.CreateWorker(w => w.Concurrency = 1);
        await worker.StartAsync();
        var done = await CompletedAsync(worker, id, () => task.ApplyAsync(options: new TaskSendOptions { TaskId = id }));

        done.State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
        var meta = await app.Backend.GetAsync(id);
        meta.Status.Should().Be(TaskStates.Revoked);
        meta.Exception!.Type.Should().Be("TaskRevokedError");
        meta.Exception.Message.Should().Be("revoked");
        await worker.StopAsync();
        await using var raw = TestTransports.Client(redis.Server);
        (await raw.RunAsync("LLEN", _prefix + _queue)).AsInt64().Should().Be(0);
        (await raw.RunAsync("HLEN", _prefix + "unacked")).AsInt64().Should().Be(0, "the revoked message was acked");
    }

    [RedisFact]
    public async Task A_revoke_a_worker_received_by_broadcast_outlives_that_worker_for_one_started_after_it()
    {
        var id = Guid.NewGuid().ToString();
        await using (var first = App())
        {
            await using var worker = first.CreateWorker(w => w.Concurrency = 1);
            await worker.StartAsync();
            // The revoke command as a Python client broadcasts it (vector pidbox_revoke); Python keeps nothing anywhere.
            var reply = await worker.RevokeCommandAsync(new JsonObject { ["task_id"] = id, ["terminate"] = false, ["signal"] = "SIGTERM" }, false, CancellationToken.None);
            reply!["ok"]!.GetValue<string>().Should().Be($"tasks {id} flagged as revoked");
            await worker.StopAsync();
        }

        await using var app = App();
        var task = Recording(app);
        await using var restarted = app.CreateWorker(w => w.Concurrency = 1);
        await restarted.StartAsync();
        restarted.RevokedIds.Should().Contain(id);
        var done = await CompletedAsync(restarted, id, () => task.ApplyAsync(options: new TaskSendOptions { TaskId = id }));

        done.State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
    }

    [RedisFact]
    public async Task A_running_worker_reads_a_revoke_it_did_not_hear_within_its_refresh_interval()
    {
        await using var app = App();
        app.Options.WorkerRevokeRefreshInterval = TimeSpan.FromMilliseconds(100);
        var task = Recording(app);
        await using var worker = app.CreateWorker(w => w.Concurrency = 1);
        await worker.StartAsync();
        var id = Guid.NewGuid().ToString();

        await using (var other = App()) await other.RememberRevokedAsync([id], CancellationToken.None);
        await Eventually.SucceedsAsync(() => worker.RevokedIds.Contains(id) ? System.Threading.Tasks.Task.FromResult(true) : throw new InvalidOperationException("not yet"), Patience);
        var done = await CompletedAsync(worker, id, () => task.ApplyAsync(options: new TaskSendOptions { TaskId = id }));

        done.State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
    }

    [RedisFact]
    public async Task The_store_is_one_sorted_set_trimmed_to_the_bound_read_by_cursor_and_gone_after_the_horizon()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var retention = new RevokeRetention(TimeSpan.FromSeconds(30), 3, 0);
        await transport.RememberAsync(["a", "b"], retention);
        var first = await transport.ReadAsync(null, retention);
        first.Entries.Select(e => e.TaskId).Should().BeEquivalentTo(["a", "b"]);
        first.Entries.Should().OnlyContain(e => Math.Abs(e.RevokedAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) < 60, "scored by the server's clock");

        await System.Threading.Tasks.Task.Delay(20);
        await transport.RememberAsync(["c", "d"], retention);
        // The cursor keeps a second of overlap: what is read again is merged as once.
        var next = await transport.ReadAsync(first.Cursor, retention);
        next.Entries.Select(e => e.TaskId).Should().Contain(["c", "d"]);

        await using var raw = TestTransports.Client(redis.Server);
        (await raw.RunAsync("ZCARD", _prefix + "celeriac.revoked")).AsInt64().Should().Be(3, "trimmed to the bound, oldest first");
        (await raw.RunAsync("ZSCORE", _prefix + "celeriac.revoked", "d")).IsNull.Should().BeFalse();
        (await raw.RunAsync("TTL", _prefix + "celeriac.revoked")).AsInt64().Should().BeInRange(1, 31, "the set goes when nothing was revoked for a horizon");
    }
}
