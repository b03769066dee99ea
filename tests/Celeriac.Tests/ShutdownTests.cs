using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>Staged shutdown: stop fetching, wait, cancel, give back what is unacked (docs/architecture.md#the-worker, docs/protocol.md §5.2).</summary>
public sealed class ShutdownTests : IAsyncLifetime
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Stop_waits_for_a_running_task_that_finishes_within_the_shutdown_timeout()
    {
        var entered = new Gate();
        var release = new Gate();
        var sawCancellation = true;
        var task = _h.App.Task("d.finish", async (CancellationToken ct) =>
        {
            entered.Open();
            await release.WaitAsync();
            sawCancellation = ct.IsCancellationRequested;
            return "finished";
        });
        var (worker, signals) = await _h.StartWorkerAsync(w => w.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        var stopping = worker.StopAsync();
        release.Open();
        await stopping;

        sawCancellation.Should().BeFalse();
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Success);
        signals.All.Select(s => s.Kind).Should().EndWith([WorkerSignalKind.Completed, WorkerSignalKind.Stopped]);
        worker.Processed.Should().Be(1);
    }

    [Fact]
    public async Task A_running_synchronous_task_is_active_and_stop_waits_for_it()
    {
        var entered = new Gate();
        var release = new Gate();
        var task = _h.App.Task("d.sync", () => { entered.Open(); release.Wait(); return 1; });
        var (worker, signals) = await _h.StartWorkerAsync(w => w.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        worker.Active.Should().Be(1);
        var stopping = worker.StopAsync();
        release.Open();
        await stopping;

        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Success);
        signals.All.Select(s => s.Kind).Should().EndWith([WorkerSignalKind.Completed, WorkerSignalKind.Stopped]);
    }

    [Fact]
    public async Task Messages_sent_once_stop_began_stay_in_the_queue()
    {
        var entered = new Gate();
        var release = new Gate();
        var slow = _h.App.Task("d.slow", async () => { entered.Open(); await release.WaitAsync(); return 1; });
        var later = _h.App.Task("d.later", () => 2);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var first = await slow.DelayAsync();
        await entered.WaitAsync();
        var stopping = worker.StopAsync();
        var second = await later.DelayAsync();
        release.Open();
        await stopping;

        (await _h.StoredAsync(first.Id)).Status.Should().Be(TaskStates.Success);
        (await _h.StoredAsync(second.Id)).Status.Should().Be(TaskStates.Pending);
        (await _h.DrainAsync("celery")).Select(m => m.Message.Id).Should().Equal(second.Id);
        signals.All.Should().NotContain(s => s.TaskId == second.Id && s.Kind == WorkerSignalKind.Started);
    }

    [Fact]
    public async Task Past_the_timeout_tokens_are_cancelled_and_an_acks_late_message_goes_back_redelivered()
    {
        var entered = new Gate();
        var sawCancellation = false;
        var task = _h.App.Task("d.cancel-late", async (CancellationToken ct) =>
        {
            entered.Open();
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { sawCancellation = true; throw; }
        }, o => o.AcksLate = true);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = Short; w.CancelGracePeriod = TimeSpan.FromSeconds(10); });

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await worker.StopAsync();

        sawCancellation.Should().BeTrue();
        signals.Of(WorkerSignalKind.Restored).Select(s => s.TaskId).Should().Equal(r.Id);
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Pending);
        var back = await _h.DrainAsync("celery");
        back.Select(m => (m.Message.Id, m.Redelivered)).Should().Equal((r.Id, true));
    }

    [Fact]
    public async Task Past_the_timeout_an_early_acked_task_that_stops_on_cancellation_is_recorded_WorkerLostError()
    {
        var entered = new Gate();
        var task = _h.App.Task("d.cancel-early", async (TaskContext ctx) =>
        {
            entered.Open();
            await Task.Delay(Timeout.Infinite, ctx.Cancellation);
        });
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = Short; w.CancelGracePeriod = TimeSpan.FromSeconds(10); });

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await worker.StopAsync();

        var meta = await _h.StoredAsync(r.Id);
        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be("WorkerLostError");
        meta.Exception.Module.Should().Be("billiard.exceptions");
        _h.Broker.Depth("celery").Should().Be(0);
        signals.Of(WorkerSignalKind.Restored).Should().BeEmpty();
    }

    [Fact]
    public async Task Reserved_messages_that_never_started_go_back_to_the_front_of_the_queue_in_order()
    {
        var entered = new Gate();
        var release = new Gate();
        // Acks late: the running task keeps its prefetch credit, so exactly three are reserved behind it.
        var task = _h.App.Task("d.reserved", async (int n) => { entered.Open(); await release.WaitAsync(); return n; }, o => o.AcksLate = true);
        var ids = new List<string>();
        for (var i = 0; i < 6; i++) ids.Add((await task.DelayAsync(i)).Id);

        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 1; w.PrefetchMultiplier = 4; w.ShutdownTimeout = TimeSpan.FromSeconds(10); });
        await entered.WaitAsync();
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 4, "Received");
        _h.Broker.Depth("celery").Should().Be(2);
        var stopping = worker.StopAsync();
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Restored, 3, "Restored");
        release.Open();
        await stopping;

        (await _h.StoredAsync(ids[0])).Status.Should().Be(TaskStates.Success);
        var back = await _h.DrainAsync("celery");
        back.Select(m => m.Message.Id).Should().Equal(ids.Skip(1));
        back.Select(m => m.Redelivered).Should().Equal(true, true, true, false, false);
    }

    [Fact]
    public async Task A_task_abandoned_at_shutdown_that_later_reports_state_does_not_hang()
    {
        var entered = new Gate();
        var release = new Gate();
        var reported = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = _h.App.Task("d.late-state", async (TaskContext ctx) =>
        {
            entered.Open();
            await release.WaitAsync();
            try
            {
                await ctx.UpdateStateAsync("PROGRESS", new { step = 2 });
                reported.TrySetResult(null);
            }
            catch (Exception ex)
            {
                reported.TrySetResult(ex);
            }
        }, o => o.AcksLate = true);
        var (worker, _) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = Short; w.CancelGracePeriod = Short; });

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await worker.StopAsync();
        release.Open();

        var error = await reported.Task.WaitAsync(TimeSpan.FromSeconds(10));
        error.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain("stopped");
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Pending);
    }

    [Fact]
    public async Task StopAsync_is_idempotent_and_raises_Stopped_once()
    {
        var (worker, signals) = await _h.StartWorkerAsync();

        var a = worker.StopAsync();
        var b = worker.StopAsync();
        await a;
        await b;

        a.Should().BeSameAs(b);
        signals.Of(WorkerSignalKind.Stopped).Should().HaveCount(1);
    }

    [Fact]
    public async Task RunWorkerAsync_runs_tasks_until_the_token_fires_then_stops()
    {
        var task = _h.App.Task("d.run", () => 1);
        using var cts = new CancellationTokenSource();
        var r = await task.DelayAsync();

        var running = _h.App.RunWorkerAsync(w => w.Concurrency = 1, cts.Token);
        (await r.GetAsync(TimeSpan.FromSeconds(10))).Should().Be(1);
        await cts.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        var after = await task.DelayAsync();
        _h.Broker.Depth("celery").Should().Be(1);
        after.Id.Should().NotBe(r.Id);
    }

    [Fact]
    public async Task A_shutdown_timeout_past_what_a_timer_can_wait_waits_for_the_running_task_and_stops()
    {
        var entered = new Gate();
        var release = new Gate();
        var task = _h.App.Task("d.long_timeout", async () => { entered.Open(); await release.WaitAsync(); return "finished"; });
        var (worker, signals) = await _h.StartWorkerAsync(w => w.ShutdownTimeout = TimeSpan.FromDays(60));

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        var stopping = worker.StopAsync();
        release.Open();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Success);
        signals.All.Select(s => s.Kind).Should().EndWith([WorkerSignalKind.Completed, WorkerSignalKind.Stopped]);
    }
}
