using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests.Pool;

/// <summary>
/// Celery's autoscaler (<c>--autoscale MAX,MIN</c>) on a virtual clock: the pool starts at MIN, grows
/// with the backlog up to MAX at the next look, shrinks to MIN once the keep-alive has passed since it
/// last grew; the <c>autoscale</c> command moves the bounds; pool_grow/pool_shrink are refused as in Celery 5.2.6.
/// </summary>
public sealed class AutoscaleTests : IAsyncLifetime
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly VirtualClock _clock = new();
    private readonly TestHarness _h;

    public AutoscaleTests() => _h = TestHarness.Create(o => o.TimeProvider = _clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<(CeleriacWorker Worker, SignalRecorder Signals)> StartAsync(int max, int min, int multiplier = 4) =>
        _h.StartWorkerAsync(w => { w.Autoscale = (max, min); w.PrefetchMultiplier = multiplier; });

    [Fact]
    public async Task The_pool_starts_at_min_grows_with_the_backlog_to_max_and_shrinks_to_min_after_the_keepalive()
    {
        var blocker = new Blocker();
        var task = _h.App.Task("scale.block", blocker.RunAsync);
        var (worker, signals) = await StartAsync(max: 4, min: 1);
        worker.Concurrency.Should().Be(1, "Celery starts an autoscaled pool at its minimum");
        worker.LiveSlots.Should().Be(1);
        worker.AutoscaleBounds.Should().Be((4, 1));

        for (var i = 0; i < 6; i++) await task.DelayAsync();
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 6, "Received (prefetch is MAX × multiplier = 16)");
        await blocker.RunningAsync(1);
        worker.Concurrency.Should().Be(1, "nothing grows before the autoscaler looks");

        _clock.Advance(Second);

        worker.Concurrency.Should().Be(4, "a backlog of 6 grows the pool to MAX at once");
        await blocker.RunningAsync(4);
        worker.AutoscalerInfo.Should().Be((4, 1, 4, 6), "Celery's stats: max, min, current, qty (4 running + 2 waiting)");

        blocker.Open();
        await signals.CompletionsAsync(6);
        _clock.Advance(TimeSpan.FromSeconds(29));
        worker.Concurrency.Should().Be(4, "idle, but the 30 s keep-alive since the last growth has not passed");

        _clock.Advance(Second + Second);
        worker.Concurrency.Should().Be(1, "idle past the keep-alive: back to MIN");
        await Until.TrueAsync(() => worker.LiveSlots == 1, "the idle slots retired");
        blocker.Max.Should().Be(4);
    }

    [Fact]
    public async Task It_grows_to_the_backlog_not_beyond_and_never_shrinks_below_what_runs()
    {
        var blocker = new Blocker();
        var task = _h.App.Task("scale.partial", blocker.RunAsync);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Autoscale = (10, 1); w.AutoscaleKeepalive = TimeSpan.FromSeconds(5); });

        for (var i = 0; i < 3; i++) await task.DelayAsync();
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 3, "Received");
        _clock.Advance(Second);
        worker.Concurrency.Should().Be(3, "the backlog is 3, so 3 slots, not MAX");
        await blocker.RunningAsync(3);

        _clock.Advance(TimeSpan.FromSeconds(10));
        worker.Concurrency.Should().Be(3, "three tasks still run: the backlog counts them");

        blocker.Open();
        await signals.CompletionsAsync(3);
        _clock.Advance(Second);
        worker.Concurrency.Should().Be(1);
    }

    [Fact]
    public async Task A_min_of_zero_leaves_no_slot_while_idle_and_a_task_still_runs_at_the_next_look()
    {
        var add = _h.App.Task("scale.zero", (int a, int b) => a + b);
        var (worker, signals) = await StartAsync(max: 2, min: 0);
        worker.LiveSlots.Should().Be(0);

        var r = await add.DelayAsync(2, 3);
        await signals.WaitForAsync(WorkerSignalKind.Received, r.Id);
        await Until.QuietWindowAsync();
        signals.Of(WorkerSignalKind.Started).Should().BeEmpty("no slot yet");

        _clock.Advance(Second);
        await signals.CompletedAsync(r.Id);
        (await r.GetAsync(TimeSpan.FromSeconds(5))).Should().Be(5);
        worker.Concurrency.Should().Be(1);

        _clock.Advance(TimeSpan.FromSeconds(31));
        worker.Concurrency.Should().Be(0);
        await Until.TrueAsync(() => worker.LiveSlots == 0, "the slot retired");
    }

    [Fact]
    public async Task The_autoscale_command_moves_the_bounds_and_the_pool_and_prefetch_follow()
    {
        var blocker = new Blocker();
        var task = _h.App.Task("scale.bounds", blocker.RunAsync, o => o.AcksLate = true);
        for (var i = 0; i < 10; i++) await task.DelayAsync();
        var (worker, signals) = await StartAsync(max: 1, min: 1, multiplier: 1);
        await blocker.RunningAsync(1);
        await Until.QuietWindowAsync();
        signals.Of(WorkerSignalKind.Received).Should().HaveCount(1, "prefetch is MAX × 1");

        worker.SetAutoscale(5, 3);

        worker.AutoscaleBounds.Should().Be((5, 3));
        worker.Concurrency.Should().Be(3, "a MIN above the pool grows it at once");
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 5, "Received (prefetch follows MAX: 5 held)");
        await blocker.RunningAsync(3);
        _clock.Advance(Second);
        worker.Concurrency.Should().Be(5, "the backlog of 5 held grows the pool to the new MAX");
        await blocker.RunningAsync(5);

        worker.SetAutoscale(2, 0);
        worker.Concurrency.Should().Be(2, "a MAX below the pool shrinks it at once");
        blocker.Current.Should().Be(5, "running tasks are not cut short");
        blocker.Open();
        await signals.CompletionsAsync(10);
        blocker.Max.Should().Be(5);
        await Until.TrueAsync(() => worker.LiveSlots == 2, "the surplus slots retired once their tasks were done");

        worker.Invoking(w => w.SetAutoscale(2, 3)).Should().Throw<ArgumentException>();
        worker.Invoking(w => w.SetAutoscale(0, 0)).Should().Throw<ArgumentException>();
        worker.AutoscaleBounds.Should().Be((2, 0));
    }

    [Fact]
    public async Task Pool_grow_and_pool_shrink_are_refused_while_autoscaling_as_in_celery()
    {
        var (worker, _) = await StartAsync(max: 4, min: 2);
        worker.Invoking(w => w.GrowPool(1)).Should().Throw<InvalidOperationException>()
            .WithMessage("pool_grow is not supported with autoscale. Adjust autoscale range instead.");
        worker.Invoking(w => w.ShrinkPool(1)).Should().Throw<InvalidOperationException>()
            .WithMessage("pool_shrink is not supported with autoscale. Adjust autoscale range instead.");
        worker.Concurrency.Should().Be(2);
    }

    [Fact]
    public void Bad_bounds_are_refused_when_the_worker_is_created()
    {
        _h.App.Invoking(a => a.CreateWorker(w => w.Autoscale = (2, 3))).Should().Throw<ArgumentException>();
        _h.App.Invoking(a => a.CreateWorker(w => w.Autoscale = (0, 0))).Should().Throw<ArgumentException>();
        _h.App.Invoking(a => a.CreateWorker(w => w.AutoscaleKeepalive = TimeSpan.Zero)).Should().Throw<ArgumentException>();
    }
}
