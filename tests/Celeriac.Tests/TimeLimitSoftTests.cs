using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>Soft time limit (docs/protocol.md §5.8): the task's token fires at the limit; the task may clean up and return.</summary>
public sealed class TimeLimitSoftTests : IAsyncLifetime
{
    private static readonly TimeSpan Ten = TimeSpan.FromSeconds(10);
    private readonly VirtualClock _clock = new();
    private readonly TestHarness _h;

    public TimeLimitSoftTests() => _h = TestHarness.Create(o => o.TimeProvider = _clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task The_token_fires_at_the_soft_limit_and_a_task_that_cleans_up_succeeds_with_its_value()
    {
        var entered = new Gate();
        var firedAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = _h.App.Task("soft.cleanup", async (TaskContext ctx) =>
        {
            entered.Open();
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.Cancellation);
                return "not cancelled";
            }
            catch (OperationCanceledException)
            {
                firedAt.TrySetResult(_clock.GetUtcNow());
                return ctx.IsSoftTimeLimitExceeded ? "cleaned up" : "cancelled for another reason";
            }
        }, o => o.SoftTimeLimit = Ten);
        var (_, signals) = await _h.StartWorkerAsync();
        var start = _clock.GetUtcNow();

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(9.9));
        firedAt.Task.IsCompleted.Should().BeFalse();
        _clock.Advance(TimeSpan.FromSeconds(0.1));

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Success);
        (await firedAt.Task).Should().Be(start + Ten);
        (await _h.StoredAsync(r.Id)).Result!.GetValue<string>().Should().Be("cleaned up");
    }

    [Fact]
    public async Task A_task_that_lets_the_cancellation_escape_fails_SoftTimeLimitExceeded()
    {
        var entered = new Gate();
        var task = _h.App.Task("soft.escape", async (CancellationToken ct) =>
        {
            entered.Open();
            await Task.Delay(Timeout.Infinite, ct);
        }, o => o.SoftTimeLimit = Ten);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(Ten);

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        var meta = await _h.StoredAsync(r.Id);
        meta.Exception!.Type.Should().Be("SoftTimeLimitExceeded");
        meta.Exception.Module.Should().Be("billiard.exceptions");
        meta.Result!["exc_message"]!.ToJsonString().Should().Be("[]");
    }

    [Fact]
    public async Task ThrowIfCancellationRequested_throws_SoftTimeLimitExceededException_after_the_soft_limit()
    {
        var entered = new Gate();
        var check = new Gate();
        Exception? thrown = null;
        var task = _h.App.Task("soft.throw", async (TaskContext ctx) =>
        {
            ctx.ThrowIfCancellationRequested(); // before the limit: nothing
            entered.Open();
            await check.WaitAsync();
            try { ctx.ThrowIfCancellationRequested(); }
            catch (Exception ex) { thrown = ex; throw; }
            return "never";
        }, o => o.SoftTimeLimit = Ten);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(Ten);
        check.Open();

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        thrown.Should().BeOfType<SoftTimeLimitExceededException>().Which.Limit.Should().Be(Ten);
        (await _h.StoredAsync(r.Id)).Exception!.Type.Should().Be("SoftTimeLimitExceeded");
    }

    [Fact]
    public async Task The_soft_limit_does_not_fire_for_a_task_that_finishes_in_time()
    {
        var release = new Gate();
        var cancelled = true;
        var task = _h.App.Task("soft.in-time", async (TaskContext ctx) =>
        {
            await release.WaitAsync();
            cancelled = ctx.Cancellation.IsCancellationRequested || ctx.IsSoftTimeLimitExceeded;
            return 7;
        }, o => o.SoftTimeLimit = Ten);
        var (worker, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await signals.WaitForAsync(WorkerSignalKind.Started, r.Id);
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(9));
        release.Open();

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Success);
        cancelled.Should().BeFalse();
        await Until.TrueAsync(() => _clock.PendingTimers == 0, "the soft-limit timer is disposed with the run");
        worker.Active.Should().Be(0);
    }
}
