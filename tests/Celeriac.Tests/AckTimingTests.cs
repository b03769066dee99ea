using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>When the worker acks, rejects or gives back a message (docs/protocol.md §5.2).</summary>
public sealed class AckTimingTests : IAsyncLifetime
{
    private RecordingTransport _transport = null!;
    private TestHarness _h = null!;

    public Task InitializeAsync() => UseAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task UseAsync(Action<CeleriacOptions>? configure = null)
    {
        if (_h is not null) await _h.DisposeAsync();
        _h = TestHarness.Create(o =>
        {
            RecordingTransport.Install(o, t => _transport = t);
            configure?.Invoke(o);
        });
        _ = _h.App.Transport; // create it now so _transport is set
    }

    [Fact]
    public async Task By_default_the_message_is_acked_before_the_task_finishes()
    {
        var release = new Gate();
        var task = _h.App.Task("a.early", async () => { await release.WaitAsync(); return 1; });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await signals.WaitForAsync(WorkerSignalKind.Started, r.Id);

        _transport.For(r.Id).Should().Equal(SettleAction.Ack);
        release.IsOpen.Should().BeFalse();
        release.Open();
        await signals.CompletedAsync(r.Id);
        _transport.For(r.Id).Should().Equal(SettleAction.Ack);
    }

    [Fact]
    public async Task A_task_with_acks_late_is_acked_only_after_it_ran()
    {
        IReadOnlyList<SettleAction>? duringRun = null;
        var task = _h.App.Task("a.late", (TaskContext ctx) => { duringRun = _transport.For(ctx.TaskId); return 1; }, o => o.AcksLate = true);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await signals.CompletedAsync(r.Id);

        duringRun.Should().BeEmpty();
        _transport.For(r.Id).Should().Equal(SettleAction.Ack);
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task The_app_wide_AcksLate_setting_applies_unless_a_task_opts_out()
    {
        await UseAsync(o => o.AcksLate = true);
        IReadOnlyList<SettleAction>? lateRun = null, earlyRun = null;
        SignalRecorder signals = null!;
        var late = _h.App.Task("a.app-late", (TaskContext ctx) => { lateRun = _transport.For(ctx.TaskId); return 1; });
        var early = _h.App.Task("a.opt-out", async (TaskContext ctx) =>
        {
            // Started is raised once the early ack went through; it is raised while this body runs.
            await signals.WaitForAsync(WorkerSignalKind.Started, ctx.TaskId);
            earlyRun = _transport.For(ctx.TaskId);
            return 1;
        }, o => o.AcksLate = false);
        (_, signals) = await _h.StartWorkerAsync();

        var a = await late.DelayAsync();
        var b = await early.DelayAsync();
        await signals.CompletedAsync(a.Id);
        await signals.CompletedAsync(b.Id);

        lateRun.Should().BeEmpty();
        earlyRun.Should().Equal(SettleAction.Ack);
        _transport.For(a.Id).Should().Equal(SettleAction.Ack);
        _transport.For(b.Id).Should().Equal(SettleAction.Ack);
    }

    [Fact]
    public async Task With_acks_late_a_failed_task_is_acked_by_default()
    {
        var task = _h.App.Task("a.late-fail", (Func<int>)(() => throw new InvalidOperationException()), o => o.AcksLate = true);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await signals.CompletedAsync(r.Id);

        _transport.For(r.Id).Should().Equal(SettleAction.Ack);
        _h.Broker.DeadLetters.Should().BeEmpty();
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Failure);
    }

    [Fact]
    public async Task With_acks_late_and_no_ack_on_failure_a_failed_task_is_rejected_not_requeued()
    {
        var task = _h.App.Task("a.late-reject", (Func<int>)(() => throw new InvalidOperationException("bad")),
            o => { o.AcksLate = true; o.AcksOnFailureOrTimeout = false; });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        var done = await signals.CompletedAsync(r.Id);

        done.State.Should().Be(TaskStates.Failure);
        _transport.For(r.Id).Should().Equal(SettleAction.Reject);
        _h.Broker.DeadLetters.Select(m => m.Message!.Headers["id"]!.GetValue<string>()).Should().Equal(r.Id);
        _h.Broker.Depth("celery").Should().Be(0);
        (await _h.StoredAsync(r.Id)).Exception!.Message.Should().Be("bad");
    }

    [Fact]
    public async Task With_early_ack_stopping_while_a_task_ignores_cancellation_does_not_give_the_message_back()
    {
        var entered = new Gate();
        var release = new Gate();
        var task = _h.App.Task("a.stubborn-early", async () => { entered.Open(); await release.WaitAsync(); return 1; });
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = TimeSpan.FromMilliseconds(200); w.CancelGracePeriod = TimeSpan.FromMilliseconds(200); });

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await signals.WaitForAsync(WorkerSignalKind.Started, r.Id);
        await worker.StopAsync();
        release.Open();

        _h.Broker.Depth("celery").Should().Be(0);
        _transport.For(r.Id).Should().Equal(SettleAction.Ack);
        // Acked and abandoned: recorded as lost (docs/protocol.md §5.2), so waiters do not hang forever.
        var meta = await _h.StoredAsync(r.Id);
        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be("WorkerLostError");
    }

    [Fact]
    public async Task With_acks_late_stopping_while_a_task_ignores_cancellation_gives_the_message_back()
    {
        var entered = new Gate();
        var release = new Gate();
        var task = _h.App.Task("a.stubborn-late", async () => { entered.Open(); await release.WaitAsync(); return 1; }, o => o.AcksLate = true);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = TimeSpan.FromMilliseconds(200); w.CancelGracePeriod = TimeSpan.FromMilliseconds(200); });

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await worker.StopAsync();
        release.Open();

        _transport.For(r.Id).Should().Equal(SettleAction.Restore);
        var back = await _h.DrainAsync("celery");
        back.Should().ContainSingle();
        back[0].Message.Id.Should().Be(r.Id);
        back[0].Redelivered.Should().BeTrue();
        signals.Of(WorkerSignalKind.Restored).Select(s => s.TaskId).Should().Equal(r.Id);
    }
}
