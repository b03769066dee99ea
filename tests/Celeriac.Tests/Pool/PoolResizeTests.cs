using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests.Pool;

/// <summary>pool_grow and pool_shrink without autoscale: slots start and retire at run time, prefetch follows (docs/protocol.md §5.1).</summary>
public sealed class PoolResizeTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Growing_starts_slots_at_once_and_raises_the_prefetch_credit()
    {
        var blocker = new Blocker();
        var task = _h.App.Task("pool.grow", blocker.RunAsync, o => o.AcksLate = true);
        for (var i = 0; i < 8; i++) await task.DelayAsync();
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 1; w.PrefetchMultiplier = 1; });
        await blocker.RunningAsync(1);
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 1, "Received");
        await Until.QuietWindowAsync();
        signals.Of(WorkerSignalKind.Received).Should().HaveCount(1, "one slot, multiplier 1: one message held");

        worker.GrowPool(2);

        worker.Concurrency.Should().Be(3);
        await blocker.RunningAsync(3);
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 3, "Received");
        await Until.QuietWindowAsync();
        signals.Of(WorkerSignalKind.Received).Should().HaveCount(3, "three slots, multiplier 1: three messages held");
        _h.Broker.Depth("celery").Should().Be(5);
        blocker.Current.Should().Be(3);

        blocker.Open();
        await signals.CompletionsAsync(8);
        blocker.Max.Should().Be(3);
    }

    [Fact]
    public async Task Shrinking_lets_running_tasks_finish_then_the_surplus_slots_retire()
    {
        var blocker = new Blocker();
        var task = _h.App.Task("pool.shrink", blocker.RunAsync);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 3);
        var first = new List<AsyncResult<int>>();
        for (var i = 0; i < 3; i++) first.Add(await task.DelayAsync());
        await blocker.RunningAsync(3);

        worker.ShrinkPool(2);

        worker.Concurrency.Should().Be(1);
        await Until.QuietWindowAsync();
        blocker.Current.Should().Be(3, "a running task is never cut short");
        worker.LiveSlots.Should().Be(3, "busy slots retire only once their task is done");

        blocker.Open();
        await signals.CompletionsAsync(3);
        foreach (var r in first) (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Success);
        await Until.TrueAsync(() => worker.LiveSlots == 1, "the two surplus slots retired");

        blocker.Close();
        for (var i = 0; i < 3; i++) await task.DelayAsync();
        await blocker.RunningAsync(1);
        await Until.QuietWindowAsync();
        blocker.Current.Should().Be(1, "one slot is left");
        blocker.Open();
        await signals.CompletionsAsync(6);
    }

    [Fact]
    public async Task Idle_slots_retire_at_once_when_the_pool_shrinks()
    {
        var (worker, _) = await _h.StartWorkerAsync(w => w.Concurrency = 5);
        worker.LiveSlots.Should().Be(5);

        worker.ShrinkPool(3);

        await Until.TrueAsync(() => worker.LiveSlots == 2, "three idle slots retired without a message to wake them");
        worker.Concurrency.Should().Be(2);
    }

    [Fact]
    public async Task The_pool_never_shrinks_below_one_slot_and_a_negative_count_is_refused()
    {
        var add = _h.App.Task("pool.add", (int a, int b) => a + b);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 2);

        worker.ShrinkPool(10);
        worker.Concurrency.Should().Be(1);
        await Until.TrueAsync(() => worker.LiveSlots == 1, "one slot left");
        var r = await add.DelayAsync(2, 3);
        await signals.CompletedAsync(r.Id);

        worker.Invoking(w => w.GrowPool(-1)).Should().Throw<ArgumentOutOfRangeException>();
        worker.Invoking(w => w.ShrinkPool(-1)).Should().Throw<ArgumentOutOfRangeException>();
        worker.AutoscaleBounds.Should().BeNull();
        worker.Invoking(w => w.SetAutoscale(4, 1)).Should().Throw<InvalidOperationException>().WithMessage("Autoscale not enabled");
    }

    [Fact]
    public async Task A_pool_resized_before_start_starts_with_that_many_slots()
    {
        var worker = _h.App.CreateWorker(w => w.Concurrency = 2);
        worker.GrowPool(3);
        worker.Concurrency.Should().Be(5);
        await worker.StartAsync();
        worker.LiveSlots.Should().Be(5);
        await worker.DisposeAsync();
    }

    [Fact]
    public async Task Stopping_a_shrunk_pool_still_waits_for_its_running_tasks()
    {
        var blocker = new Blocker();
        var task = _h.App.Task("pool.stop", blocker.RunAsync);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 3; w.ShutdownTimeout = TimeSpan.FromSeconds(10); });
        var sent = new List<AsyncResult<int>>();
        for (var i = 0; i < 3; i++) sent.Add(await task.DelayAsync());
        await blocker.RunningAsync(3);
        worker.ShrinkPool(2);

        var stopping = worker.StopAsync();
        await Until.QuietWindowAsync();
        stopping.IsCompleted.Should().BeFalse("warm shutdown waits for the three running tasks, retiring slots included");
        blocker.Open();
        await stopping;

        foreach (var r in sent) (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Success);
        signals.Of(WorkerSignalKind.Completed).Should().HaveCount(3);
        worker.Invoking(w => w.GrowPool(1)).Should().NotThrow("growing a stopped pool changes nothing and does not fail");
    }
}
