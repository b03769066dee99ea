using System.Collections.Concurrent;
using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>ETA and countdown on a virtual clock (docs/protocol.md §5.3, §5.1): never early, no slot held, unacked while waiting.</summary>
public sealed class EtaTests : IAsyncLifetime
{
    private readonly VirtualClock _clock = new();
    private readonly TestHarness _h;
    private RecordingTransport _transport = null!;

    public EtaTests()
    {
        _h = TestHarness.Create(o =>
        {
            o.TimeProvider = _clock;
            RecordingTransport.Install(o, t => _transport = t);
        });
        _ = _h.App.Transport; // created now, so _transport is set
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static TaskSendOptions In(double seconds) => new() { Countdown = TimeSpan.FromSeconds(seconds) };

    [Fact]
    public async Task A_60_second_countdown_has_not_started_at_59_9_seconds_and_starts_at_60()
    {
        var ranAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = _h.App.Task("eta.when", () => { ranAt.TrySetResult(_clock.GetUtcNow()); return 1; });
        var (worker, signals) = await _h.StartWorkerAsync();
        var sentAt = _clock.GetUtcNow();

        var r = await task.ApplyAsync(options: In(60));
        await signals.WaitForAsync(WorkerSignalKind.Received, r.Id);
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(59.9));

        worker.Scheduled.Should().Be(1);
        ranAt.Task.IsCompleted.Should().BeFalse();
        signals.Of(WorkerSignalKind.Started).Should().BeEmpty();

        _clock.Advance(TimeSpan.FromSeconds(0.1));
        worker.Scheduled.Should().Be(0);
        (await ranAt.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(sentAt.AddSeconds(60));
        await signals.CompletedAsync(r.Id);
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task An_eta_in_the_past_runs_at_once_without_the_clock_moving()
    {
        var task = _h.App.Task("eta.past", () => "ran");
        var (worker, signals) = await _h.StartWorkerAsync();
        var start = _clock.GetUtcNow();

        var r = await task.ApplyAsync(options: new TaskSendOptions { Eta = start.AddHours(-1) });
        await signals.CompletedAsync(r.Id);

        (await _h.StoredAsync(r.Id)).Result!.GetValue<string>().Should().Be("ran");
        worker.Scheduled.Should().Be(0);
        _clock.GetUtcNow().Should().Be(start);
    }

    [Fact]
    public async Task A_parked_eta_task_holds_no_slot_and_its_message_stays_unacked_until_it_runs()
    {
        var task = _h.App.Task("eta.any", (int n) => n);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        var later = await task.ApplyAsync(0, options: In(3600));
        await Until.TrueAsync(() => worker.Scheduled == 1, "the ETA task is parked");
        var now = new List<string>();
        for (var i = 1; i <= 3; i++) now.Add((await task.DelayAsync(i)).Id);
        foreach (var id in now) await signals.CompletedAsync(id);

        worker.Scheduled.Should().Be(1);
        _transport.For(later.Id).Should().BeEmpty("an ETA task is acked only when it runs (docs/protocol.md §5.2)");
        (await _h.StoredAsync(later.Id)).Status.Should().Be(TaskStates.Pending);

        _clock.Advance(TimeSpan.FromHours(1));
        await signals.CompletedAsync(later.Id);
        _transport.For(later.Id).Should().Equal(SettleAction.Ack);
    }

    [Fact]
    public async Task Parked_eta_tasks_do_not_use_up_the_prefetch_of_ready_tasks()
    {
        var task = _h.App.Task("eta.prefetch", (int n) => n);
        for (var i = 0; i < 10; i++) await task.ApplyAsync(i, options: In(60));
        var ready = new List<string>();
        for (var i = 0; i < 3; i++) ready.Add((await task.DelayAsync(100 + i)).Id);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 1; w.PrefetchMultiplier = 1; });

        foreach (var id in ready) await signals.CompletedAsync(id);
        worker.Scheduled.Should().Be(10);
        _h.Broker.Depth("celery").Should().Be(0);

        _clock.Advance(TimeSpan.FromSeconds(60));
        await signals.CompletionsAsync(13);
        worker.Scheduled.Should().Be(0);
    }

    [Fact]
    public async Task At_the_eta_task_limit_the_worker_stops_fetching_and_the_rest_stays_in_the_broker()
    {
        var task = _h.App.Task("eta.bound", (int n) => n);
        for (var i = 0; i < 20; i++) await task.ApplyAsync(i, options: In(60));
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 1; w.EtaTaskLimit = 5; });

        await Until.TrueAsync(() => worker.Scheduled == 5, "5 ETA tasks are parked");
        await Until.QuietWindowAsync();

        worker.Scheduled.Should().Be(5);
        _h.Broker.Depth("celery").Should().Be(15);
        signals.Of(WorkerSignalKind.Received).Should().HaveCount(5);

        _clock.Advance(TimeSpan.FromSeconds(60));
        await signals.CompletionsAsync(20);
        _h.Broker.Depth("celery").Should().Be(0);
        signals.Of(WorkerSignalKind.Completed).Should().OnlyContain(s => s.State == TaskStates.Success);
    }

    [Fact]
    public async Task Etas_fire_in_eta_order_not_in_arrival_order()
    {
        var order = new ConcurrentQueue<int>();
        var task = _h.App.Task("eta.order", (int n) => { order.Enqueue(n); return n; });
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        foreach (var seconds in new[] { 50, 10, 40, 20, 30 }) await task.ApplyAsync(seconds, options: In(seconds));
        await Until.TrueAsync(() => worker.Scheduled == 5, "5 ETA tasks are parked");

        _clock.Advance(TimeSpan.FromSeconds(25));
        await signals.CompletionsAsync(2);
        order.Should().Equal(10, 20);
        worker.Scheduled.Should().Be(3);

        _clock.Advance(TimeSpan.FromSeconds(25));
        await signals.CompletionsAsync(5);
        order.Should().Equal(10, 20, 30, 40, 50);
    }

    [Fact]
    public async Task The_public_test_kit_on_a_virtual_clock_fires_a_countdown_when_advanced()
    {
        var clock = new VirtualClock();
        await using var harness = CeleriacTestHarness.Create(o => o.TimeProvider = clock);
        var add = harness.App.Task("kit.add", (int x, int y) => x + y);
        await harness.StartWorkerAsync();

        var r = await add.ApplyAsync(2, 3, options: In(60));
        await clock.WaitForTimersAsync(1);
        harness.Worker.Scheduled.Should().Be(1);
        clock.Advance(TimeSpan.FromSeconds(60));

        var meta = await harness.WaitForTaskAsync(r.Id);
        meta.Status.Should().Be(TaskStates.Success);
        meta.Result!.GetValue<int>().Should().Be(5);
        meta.DateDone.Should().Be(clock.GetUtcNow().UtcDateTime);
    }
}
