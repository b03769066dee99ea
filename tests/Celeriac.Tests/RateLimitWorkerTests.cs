using System.Collections.Concurrent;
using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>
/// Per-task rate limits in a worker (docs/protocol.md §5.9): a token bucket per task type; tasks over their limit
/// wait unacked without a slot, and other task types run on.
/// </summary>
public sealed class RateLimitWorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly VirtualClock _clock = new();
    private readonly ConcurrentQueue<(string Name, int N, TimeSpan At)> _runs = new();
    private readonly DateTimeOffset _start;
    private TestHarness _h = null!;

    public RateLimitWorkerTests() => _start = _clock.GetUtcNow();

    public Task InitializeAsync() => UseAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task UseAsync(Action<CeleriacOptions>? configure = null)
    {
        if (_h is not null) await _h.DisposeAsync();
        _h = TestHarness.Create(o =>
        {
            o.TimeProvider = _clock;
            configure?.Invoke(o);
        });
    }

    private Tasks.CeleriacTask<int, int> Recording(string name, string? rate) =>
        _h.App.Task(name, (int n) => { _runs.Enqueue((name, n, _clock.GetUtcNow() - _start)); return n; }, o => o.RateLimit = rate);

    private IEnumerable<(string, int, TimeSpan)> Runs(string name) => _runs.Where(r => r.Name == name);

    [Fact]
    public async Task At_1_per_minute_the_second_runs_after_60_s_and_the_third_after_120_s_without_holding_up_other_tasks()
    {
        var limited = Recording("rl.limited", "1/m");
        var free = Recording("rl.free", null);
        var ids = new List<string>();
        for (var i = 1; i <= 3; i++) ids.Add((await limited.DelayAsync(i)).Id);
        var other = await free.DelayAsync(0);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        // The waiting ones hold no slot: with one slot the other task type runs at once.
        await signals.CompletedAsync(ids[0]);
        await signals.CompletedAsync(other.Id);
        await _clock.WaitForTimersAsync(1);
        Runs("rl.limited").Should().Equal(("rl.limited", 1, TimeSpan.Zero));
        Runs("rl.free").Should().Equal(("rl.free", 0, TimeSpan.Zero));
        worker.Active.Should().Be(0);

        _clock.Advance(TimeSpan.FromSeconds(59.9));
        signals.Of(WorkerSignalKind.Started).Should().NotContain(s => s.TaskId == ids[1]);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        await signals.CompletedAsync(ids[1]);
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(Minute);
        await signals.CompletedAsync(ids[2]);

        Runs("rl.limited").Should().Equal(("rl.limited", 1, TimeSpan.Zero), ("rl.limited", 2, Minute), ("rl.limited", 3, 2 * Minute));
        (await _h.StoredAsync(ids[2])).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task Rate_limits_are_per_task_type()
    {
        var a = Recording("rl.a", "1/m");
        var b = Recording("rl.b", "1/m");
        var (_, signals) = await _h.StartWorkerAsync();

        var ra = await a.DelayAsync(1);
        var rb = await b.DelayAsync(1);

        await signals.CompletedAsync(ra.Id);
        await signals.CompletedAsync(rb.Id);
        _clock.GetUtcNow().Should().Be(_start);
    }

    [Fact]
    public async Task WorkerDisableRateLimits_ignores_every_limit()
    {
        await UseAsync(o => { o.WorkerDisableRateLimits = true; o.DefaultRateLimit = "1/h"; });
        var limited = Recording("rl.disabled", "1/m");
        var (_, signals) = await _h.StartWorkerAsync();

        for (var i = 0; i < 3; i++) await limited.DelayAsync(i);
        await signals.CompletionsAsync(3);

        Runs("rl.disabled").Should().OnlyContain(r => r.Item3 == TimeSpan.Zero).And.HaveCount(3);
    }

    [Fact]
    public async Task DefaultRateLimit_applies_to_tasks_without_their_own()
    {
        await UseAsync(o => o.DefaultRateLimit = "1/m");
        var defaulted = Recording("rl.default", null);
        var own = Recording("rl.own", "100/s");
        var (_, signals) = await _h.StartWorkerAsync();

        var first = await defaulted.DelayAsync(1);
        var second = await defaulted.DelayAsync(2);
        for (var i = 0; i < 3; i++) await own.DelayAsync(i);
        await signals.CompletedAsync(first.Id);
        await Until.TrueAsync(() => Runs("rl.own").Count() == 1, "the first rl.own ran");

        // rl.own refills at 100/s: 10 ms apart; rl.default waits a whole minute.
        await _clock.WaitForTimersAsync(2);
        _clock.Advance(TimeSpan.FromMilliseconds(20));
        await Until.TrueAsync(() => Runs("rl.own").Count() == 3, "all rl.own ran");
        signals.Of(WorkerSignalKind.Started).Should().NotContain(s => s.TaskId == second.Id);

        _clock.Advance(Minute - TimeSpan.FromMilliseconds(20));
        await signals.CompletedAsync(second.Id);
        Runs("rl.default").Select(r => r.Item3).Should().Equal(TimeSpan.Zero, Minute);
    }

    [Fact]
    public void A_task_with_an_invalid_rate_limit_is_refused_when_registered_not_when_its_messages_arrive()
    {
        var register = () => _h.App.Task("rl.typo", () => 1, o => o.RateLimit = "10/x");

        register.Should().Throw<ArgumentException>().Which.Message.Should().Contain("10/x").And.Contain("rl.typo");
        _h.App.Tasks.Find("rl.typo").Should().BeNull();
    }

    [Fact]
    public async Task Rate_limited_messages_still_waiting_go_back_to_the_queue_in_order_on_shutdown()
    {
        var limited = Recording("rl.stop", "1/m");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add((await limited.DelayAsync(i)).Id);
        var (worker, signals) = await _h.StartWorkerAsync();

        await signals.CompletedAsync(ids[0]);
        await Until.TrueAsync(() => signals.Of(WorkerSignalKind.Received).Count == 4, "all four were received");
        _h.Broker.Depth("celery").Should().Be(0);
        await worker.StopAsync();

        Runs("rl.stop").Should().HaveCount(1);
        (await _h.DrainAsync("celery")).Select(m => m.Message.Id).Should().Equal(ids.Skip(1));
        (await _h.StoredAsync(ids[1])).Status.Should().Be(TaskStates.Pending);
    }
}
