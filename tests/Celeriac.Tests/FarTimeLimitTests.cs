using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>
/// Time limits beyond what one .NET timer can wait (about 49.7 days), as a peer may send them in the
/// <c>timelimit</c> header: kept to the second on the virtual clock, never early.
/// </summary>
public sealed class FarTimeLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan SixtyDays = TimeSpan.FromDays(60);
    private readonly VirtualClock _clock = new();
    private readonly TestHarness _h;

    public FarTimeLimitTests() => _h = TestHarness.Create(o => o.TimeProvider = _clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_60_day_soft_limit_fires_at_60_days_not_before()
    {
        var entered = new Gate();
        var task = _h.App.Task("far.soft", async (TaskContext ctx) =>
        {
            entered.Open();
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.Cancellation);
                return "not cancelled";
            }
            catch (OperationCanceledException)
            {
                return ctx.IsSoftTimeLimitExceeded ? "soft limit" : "cancelled for another reason";
            }
        });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.ApplyAsync(options: new TaskSendOptions { SoftTimeLimit = SixtyDays });
        await entered.WaitAsync();
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(SixtyDays - TimeSpan.FromSeconds(1));
        signals.Of(Worker.WorkerSignalKind.Completed).Should().BeEmpty("a second before the limit the task still runs");
        _clock.Advance(TimeSpan.FromSeconds(1));

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Success);
        (await _h.StoredAsync(r.Id)).Result!.GetValue<string>().Should().Be("soft limit");
    }

    [Fact]
    public async Task A_60_day_hard_limit_fails_the_task_TimeLimitExceeded_at_60_days()
    {
        var entered = new Gate();
        var task = _h.App.Task("far.hard", async () =>
        {
            entered.Open();
            await Task.Delay(Timeout.Infinite);
            return "never";
        });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.ApplyAsync(options: new TaskSendOptions { TimeLimit = SixtyDays });
        await entered.WaitAsync();
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(SixtyDays - TimeSpan.FromSeconds(1));
        signals.Of(Worker.WorkerSignalKind.Completed).Should().BeEmpty("a second before the limit the task still runs");
        _clock.Advance(TimeSpan.FromSeconds(1));

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        (await _h.StoredAsync(r.Id)).Result!["exc_type"]!.GetValue<string>().Should().Be("TimeLimitExceeded");
    }
}
