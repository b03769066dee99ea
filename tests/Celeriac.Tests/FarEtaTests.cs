using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>
/// ETAs beyond what one .NET timer can wait (uint.MaxValue - 1 ms, about 49.7 days): held like any
/// other ETA (parked, credit free, unacked, restored at shutdown), run when due, and never able to
/// crash the worker from its timer thread.
/// </summary>
public sealed class FarEtaTests : IAsyncLifetime
{
    private static readonly TimeSpan SixtyDays = TimeSpan.FromDays(60);
    private static readonly TimeSpan TwoYears = TimeSpan.FromDays(730);
    private readonly VirtualClock _clock = new();
    private readonly TestHarness _h;
    private RecordingTransport _transport = null!;

    public FarEtaTests()
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

    private static TaskSendOptions In(TimeSpan countdown) => new() { Countdown = countdown };

    [Fact]
    public async Task Tasks_60_days_and_2_years_ahead_are_parked_unacked_and_leave_the_credit_to_ready_tasks()
    {
        var task = _h.App.Task("far.park", (int n) => n);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 1; w.PrefetchMultiplier = 1; });

        var sixty = await task.ApplyAsync(60, options: In(SixtyDays));
        var twoYears = await task.ApplyAsync(730, options: In(TwoYears));
        await Until.TrueAsync(() => worker.Scheduled == 2, "both far ETA tasks are parked");
        // A prefetch of one: ready tasks run only if the parked ones gave their credit back.
        var ready = new List<string>();
        for (var i = 0; i < 3; i++) ready.Add((await task.DelayAsync(i)).Id);
        foreach (var id in ready) await signals.CompletedAsync(id);

        worker.Scheduled.Should().Be(2);
        signals.Of(WorkerSignalKind.Rejected).Should().BeEmpty("a far ETA is held, not refused");
        _transport.For(sixty.Id).Should().BeEmpty("an ETA task is acked only when it runs");
        _transport.For(twoYears.Id).Should().BeEmpty();
        (await _h.StoredAsync(sixty.Id)).Status.Should().Be(TaskStates.Pending);
        (await _h.StoredAsync(twoYears.Id)).Status.Should().Be(TaskStates.Pending);
    }

    [Fact]
    public async Task A_nearer_eta_still_runs_and_each_far_eta_runs_once_the_clock_passes_it_never_early()
    {
        var ran = new List<(int N, DateTimeOffset At)>();
        var task = _h.App.Task("far.run", (int n) => { lock (ran) ran.Add((n, _clock.GetUtcNow())); return n; });
        var (worker, signals) = await _h.StartWorkerAsync();
        var sentAt = _clock.GetUtcNow();

        var twoYears = await task.ApplyAsync(730, options: In(TwoYears));
        var sixty = await task.ApplyAsync(60, options: In(SixtyDays));
        var soon = await task.ApplyAsync(1, options: In(TimeSpan.FromSeconds(30)));
        await Until.TrueAsync(() => worker.Scheduled == 3, "all three are parked");

        // The nearer ETA fires (today the re-arm for the far one after it threw on the timer thread).
        _clock.Advance(TimeSpan.FromSeconds(30));
        await signals.CompletedAsync(soon.Id);
        worker.Scheduled.Should().Be(2);

        _clock.Advance(SixtyDays - TimeSpan.FromSeconds(31));
        worker.Scheduled.Should().Be(2, "one second before its ETA the 60-day task still waits");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await signals.CompletedAsync(sixty.Id);

        _clock.Advance(TwoYears - SixtyDays - TimeSpan.FromSeconds(1));
        worker.Scheduled.Should().Be(1, "one second before its ETA the 2-year task still waits");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await signals.CompletedAsync(twoYears.Id);

        worker.Scheduled.Should().Be(0);
        lock (ran)
        {
            ran.Should().Equal((1, sentAt.AddSeconds(30)), (60, sentAt + SixtyDays), (730, sentAt + TwoYears));
        }
        (await _h.StoredAsync(twoYears.Id)).Result!.GetValue<int>().Should().Be(730);
        _transport.For(twoYears.Id).Should().Equal(SettleAction.Ack);
        signals.Of(WorkerSignalKind.Rejected).Should().BeEmpty();
    }

    [Fact]
    public async Task Warm_shutdown_gives_a_parked_far_eta_message_back_with_its_eta()
    {
        var task = _h.App.Task("far.restore", (int n) => n);
        var (worker, signals) = await _h.StartWorkerAsync();
        var r = await task.ApplyAsync(1, options: In(TwoYears));
        await Until.TrueAsync(() => worker.Scheduled == 1, "the far ETA task is parked");

        await worker.StopAsync();

        signals.Of(WorkerSignalKind.Restored).Select(s => s.TaskId).Should().Equal(r.Id);
        var back = (await _h.DrainAsync("celery")).Should().ContainSingle().Subject;
        back.Message.Id.Should().Be(r.Id);
        back.Message.Eta.Should().Be(_clock.GetUtcNow() + TwoYears);
    }

    [Fact]
    public async Task On_the_system_clock_a_far_eta_is_held_while_a_nearer_one_fires()
    {
        // The real timer: today the far ETA's timer throws and the next ETA to fire ends the process.
        await using var h = TestHarness.Create();
        var task = h.App.Task("far.system", (int n) => n);
        var (worker, signals) = await h.StartWorkerAsync();

        var far = await task.ApplyAsync(60, options: In(SixtyDays));
        await Until.TrueAsync(() => worker.Scheduled == 1, "the far ETA task is parked");
        var near = await task.ApplyAsync(0, options: In(TimeSpan.FromMilliseconds(100)));
        await signals.CompletedAsync(near.Id);

        worker.Scheduled.Should().Be(1);
        signals.Of(WorkerSignalKind.Rejected).Should().BeEmpty();
        (await h.StoredAsync(far.Id)).Status.Should().Be(TaskStates.Pending);
    }
}
