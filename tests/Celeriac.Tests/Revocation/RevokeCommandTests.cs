using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests.Revocation;

/// <summary>
/// The <c>revoke</c> command in a worker (docs/protocol.md §5.7): the ids join the revoked set, and a revoked
/// request is discarded on receipt and again when it is about to run (an ETA task when due) — not run,
/// REVOKED <c>TaskRevokedError("revoked")</c>, acked. Replies as Celery 5.2.6's (vectors pidbox_revoke*).
/// </summary>
public sealed class RevokeCommandTests : IAsyncLifetime
{
    private readonly VirtualClock _clock = new();
    private readonly TestHarness _h;
    private int _runs;

    public RevokeCommandTests() => _h = TestHarness.Create(o => o.TimeProvider = _clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static JsonObject Args(JsonNode taskId) => new() { ["task_id"] = taskId, ["terminate"] = false, ["signal"] = "SIGTERM" };

    [Fact]
    public async Task A_task_revoked_before_it_arrives_is_stored_REVOKED_revoked_never_run_and_acked()
    {
        var task = _h.App.Task("rv.add", (int a, int b) => { Interlocked.Increment(ref _runs); return a + b; });
        var (worker, signals) = await _h.StartWorkerAsync();
        var id = Guid.NewGuid().ToString();

        var reply = await worker.RevokeCommandAsync(Args(id), terminate: false, CancellationToken.None);
        reply!.ToJsonString().Should().Be(new JsonObject { ["ok"] = $"tasks {id} flagged as revoked" }.ToJsonString());
        worker.RevokedIds.Should().Equal(id);

        await task.ApplyAsync(1, 2, new TaskSendOptions { TaskId = id });
        var done = await signals.CompletedAsync(id);

        done.State.Should().Be(TaskStates.Revoked);
        done.Reason.Should().Be("revoked");
        _runs.Should().Be(0);
        var meta = await _h.StoredAsync(id);
        meta.Exception!.Type.Should().Be("TaskRevokedError");
        meta.Exception.Module.Should().Be("celery.exceptions");
        meta.Exception.Message.Should().Be("revoked");
        _h.Broker.Depth("celery").Should().Be(0);
        _h.Broker.DeadLetters.Should().BeEmpty();
        signals.Of(WorkerSignalKind.Started).Should().BeEmpty();

        // Other tasks run on.
        var other = await task.DelayAsync(2, 3);
        (await signals.CompletedAsync(other.Id)).State.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task A_list_of_ids_is_revoked_at_once_and_the_reply_names_them_all_as_Celery_joins_them()
    {
        var (worker, _) = await _h.StartWorkerAsync();

        var reply = await worker.RevokeCommandAsync(Args(new JsonArray("a", "b", "a")), terminate: false, CancellationToken.None);

        reply!["ok"]!.GetValue<string>().Should().Be("tasks a, b flagged as revoked");
        worker.RevokedIds.Should().BeEquivalentTo(["a", "b"]);
    }

    [Fact]
    public async Task A_parked_ETA_task_revoked_while_it_waits_is_marked_REVOKED_at_its_ETA_and_never_run()
    {
        var task = _h.App.Task("rv.eta", () => Interlocked.Increment(ref _runs));
        var (worker, signals) = await _h.StartWorkerAsync();
        var r = await task.ApplyAsync(options: new TaskSendOptions { Countdown = TimeSpan.FromSeconds(60) });
        await Until.TrueAsync(() => worker.Scheduled == 1, "the task is parked for its ETA");

        await worker.RevokeCommandAsync(Args(r.Id), terminate: false, CancellationToken.None);
        await Until.QuietWindowAsync();
        // As Celery (vector result_revoked_countdown): nothing is stored until the ETA.
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Pending);

        _clock.Advance(TimeSpan.FromSeconds(60));
        var done = await signals.CompletedAsync(r.Id);

        done.State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
        (await _h.StoredAsync(r.Id)).Exception!.Message.Should().Be("revoked");
        worker.Scheduled.Should().Be(0);
        _h.Broker.Depth("celery").Should().Be(0);
    }

    [Fact]
    public async Task A_rate_limited_task_revoked_while_it_waits_for_its_token_is_revoked_when_released()
    {
        var task = _h.App.Task("rv.limited", (int n) => Interlocked.Increment(ref _runs), o => o.RateLimit = "1/m");
        var (worker, signals) = await _h.StartWorkerAsync();
        var first = await task.DelayAsync(1);
        await signals.CompletedAsync(first.Id);
        var second = await task.DelayAsync(2);
        await signals.WaitForAsync(WorkerSignalKind.Received, second.Id);

        await worker.RevokeCommandAsync(Args(second.Id), terminate: false, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(60));
        var done = await signals.CompletedAsync(second.Id);

        done.State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(1);
    }

    [Fact]
    public async Task A_revoke_held_by_the_broker_reaches_a_worker_started_after_it()
    {
        var task = _h.App.Task("rv.later", () => Interlocked.Increment(ref _runs));
        var id = Guid.NewGuid().ToString();
        await _h.App.RememberRevokedAsync([id], CancellationToken.None);

        var (worker, signals) = await _h.StartWorkerAsync();
        worker.RevokedIds.Should().Contain(id, "loaded before the worker consumes");
        await task.ApplyAsync(options: new TaskSendOptions { TaskId = id });

        (await signals.CompletedAsync(id)).State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
    }

    [Fact]
    public async Task A_revoke_received_by_a_worker_is_kept_for_a_worker_started_after_that_one_stopped()
    {
        var task = _h.App.Task("rv.restart", () => Interlocked.Increment(ref _runs));
        var (first, _) = await _h.StartWorkerAsync();
        var id = Guid.NewGuid().ToString();
        await first.RevokeCommandAsync(Args(id), terminate: false, CancellationToken.None);
        await first.StopAsync();

        var (second, signals) = await _h.StartWorkerAsync();
        await task.ApplyAsync(options: new TaskSendOptions { TaskId = id });

        (await signals.CompletedAsync(id)).State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
        second.RevokedIds.Should().Contain(id);
    }

    [Fact]
    public async Task A_running_worker_picks_up_a_revoke_recorded_while_it_did_not_hear_the_broadcast()
    {
        _h.App.Options.WorkerRevokeRefreshInterval = TimeSpan.FromMilliseconds(20);
        var (worker, _) = await _h.StartWorkerAsync();
        var id = Guid.NewGuid().ToString();
        await _h.App.RememberRevokedAsync([id], CancellationToken.None);

        // The refresh polls in real time (WorkerRevokeRefreshInterval, 1 s by default), never on the virtual clock.
        await Until.TrueAsync(() => worker.RevokedIds.Contains(id), "the worker has read the revoke from the broker");
        _clock.PendingTimers.Should().Be(0, "polling the broker sets no timer on the app's clock");
    }

    [Fact]
    public async Task A_revoke_past_the_horizon_no_longer_holds()
    {
        _h.App.Options.WorkerRevokeExpires = TimeSpan.FromMinutes(10);
        var task = _h.App.Task("rv.horizon", () => Interlocked.Increment(ref _runs));
        var (worker, signals) = await _h.StartWorkerAsync();
        var id = Guid.NewGuid().ToString();
        await worker.RevokeCommandAsync(Args(id), terminate: false, CancellationToken.None);

        _clock.Advance(TimeSpan.FromMinutes(11));
        await task.ApplyAsync(options: new TaskSendOptions { TaskId = id });

        (await signals.CompletedAsync(id)).State.Should().Be(TaskStates.Success);
        worker.RevokedIds.Should().BeEmpty();
    }
}
