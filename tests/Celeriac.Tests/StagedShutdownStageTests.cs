using System.Diagnostics;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>
/// Each stage of shutdown on its own: warm waits without cancelling, cold abandons what ignores
/// cancellation — and an abandoned body that ends later changes nothing (docs/protocol.md §5.2).
/// </summary>
public sealed class StagedShutdownStageTests : IAsyncLifetime
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private readonly Gate _release = new();
    private TestHarness _h = null!;

    public Task InitializeAsync() => UseAsync();

    public async Task DisposeAsync()
    {
        _release.Open();
        await _h.DisposeAsync();
    }

    private async Task UseAsync(bool acksLate = false)
    {
        if (_h is not null) await _h.DisposeAsync();
        _h = TestHarness.Create(o => o.AcksLate = acksLate);
    }

    [Fact]
    public async Task The_warm_stage_lets_running_tasks_finish_within_the_timeout_without_cancelling_them_and_starts_nothing_new()
    {
        await UseAsync(acksLate: true);
        var cancelled = 0;
        var slow = _h.App.Task("warm.slow", async (int n, CancellationToken ct) =>
        {
            await _release.WaitAsync();
            if (ct.IsCancellationRequested) Interlocked.Increment(ref cancelled);
            return n;
        });
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 2; w.ShutdownTimeout = TimeSpan.FromSeconds(30); });
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await slow.DelayAsync(i)).Id);
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Started, 2, "Started");
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 3, "Received");

        var clock = Stopwatch.StartNew();
        var stopping = worker.StopAsync();
        await signals.WaitForAsync(WorkerSignalKind.Restored, ids[2]);
        stopping.IsCompleted.Should().BeFalse("the warm stage waits for the running tasks");
        _release.Open();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "it did not sit out the 30 s timeout");
        cancelled.Should().Be(0);
        (await _h.StoredAsync(ids[0])).Status.Should().Be(TaskStates.Success);
        (await _h.StoredAsync(ids[1])).Status.Should().Be(TaskStates.Success);
        (await _h.DrainAsync("celery")).Select(m => m.Message.Id).Should().Equal(ids[2]);
        signals.Of(WorkerSignalKind.Started).Should().NotContain(s => s.TaskId == ids[2]);
    }

    [Fact]
    public async Task An_early_acked_task_abandoned_in_the_cold_stage_is_recorded_WorkerLostError_and_not_requeued()
    {
        var entered = new Gate();
        var task = _h.App.Task("cold.early", async () => { entered.Open(); await _release.Task; return 1; });
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = Short; w.CancelGracePeriod = Short; });

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await worker.StopAsync();

        var meta = await _h.StoredAsync(r.Id);
        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be("WorkerLostError");
        meta.Exception.Module.Should().Be("billiard.exceptions");
        meta.DateDone.Should().NotBeNull();
        _h.Broker.Depth("celery").Should().Be(0, "it was acked when it started");
        signals.Of(WorkerSignalKind.Restored).Should().BeEmpty();
    }

    [Fact]
    public async Task An_acks_late_task_abandoned_in_the_cold_stage_that_ends_while_the_worker_stops_is_only_back_in_the_queue()
    {
        await UseAsync(acksLate: true);
        var entered = new Gate();
        var task = _h.App.Task("cold.late-ends", async () => { entered.Open(); await _release.Task; return "ran anyway"; });
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = Short; w.CancelGracePeriod = Short; });

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        var stopping = worker.StopAsync();
        await signals.WaitForAsync(WorkerSignalKind.Restored, r.Id);
        _release.Open(); // the abandoned body ends while the worker is still stopping
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Pending, "its message was given back, so it must not also be done");
        (await _h.DrainAsync("celery")).Select(m => m.Message.Id).Should().Equal(r.Id);
        signals.Of(WorkerSignalKind.Completed).Should().NotContain(s => s.TaskId == r.Id);
    }

    [Fact]
    public async Task An_early_acked_task_abandoned_in_the_cold_stage_that_ends_while_the_worker_stops_stays_WorkerLostError()
    {
        var entered = new Gate();
        var task = _h.App.Task("cold.early-ends", async () => { entered.Open(); await _release.Task; return "ran anyway"; });
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = Short; w.CancelGracePeriod = Short; });

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        var stopping = worker.StopAsync();
        await signals.CompletedAsync(r.Id);
        _release.Open();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        var meta = await _h.StoredAsync(r.Id);
        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be("WorkerLostError");
        signals.Of(WorkerSignalKind.Completed).Where(s => s.TaskId == r.Id).Should().HaveCount(1);
    }
}
