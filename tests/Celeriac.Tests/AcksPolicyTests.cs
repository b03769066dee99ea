using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;
using Celeriac.Transport;

namespace Celeriac.Tests;

/// <summary>
/// <c>task_acks_on_failure_or_timeout</c> with acks late (docs/protocol.md §5.2): a failure or a hard time limit
/// acks the message by default, and rejects it (dead letter, no requeue) when the setting is off.
/// </summary>
public sealed class AcksPolicyTests : IAsyncLifetime
{
    private RetryTestBed _bed = RetryTestBed.Create();
    private readonly Gate _never = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _never.Open(); // lets abandoned bodies end
        await _bed.DisposeAsync();
    }

    private async Task UseAsync(Action<CeleriacOptions> configure)
    {
        await _bed.DisposeAsync();
        _bed = RetryTestBed.Create(configure);
    }

    [Theory]
    [InlineData(null, nameof(SettleAction.Ack))]
    [InlineData(true, nameof(SettleAction.Ack))]
    [InlineData(false, nameof(SettleAction.Reject))]
    public async Task A_hard_time_limit_counts_as_a_timeout(bool? acksOnFailureOrTimeout, string expectedAction)
    {
        var expected = Enum.Parse<SettleAction>(expectedAction); // SettleAction is internal; a public test method cannot take it
        var task = _bed.App.Task("ap.slow", async () => { await _never.WaitAsync(); return 1; }, o =>
        {
            o.AcksLate = true;
            o.AcksOnFailureOrTimeout = acksOnFailureOrTimeout;
            o.TimeLimit = TimeSpan.FromSeconds(5);
        });
        var worker = await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        await _bed.Signals.WaitForAsync(Worker.WorkerSignalKind.Started, r.Id);
        await _bed.Clock.WaitForTimersAsync(1);
        _bed.Clock.Advance(TimeSpan.FromSeconds(4));
        _bed.Clock.PendingTimers.Should().Be(1, "still within its limit");
        _bed.Settlements.For(r.Id).Should().BeEmpty("acks late: nothing settled while it runs");
        _bed.Clock.Advance(TimeSpan.FromSeconds(1));

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        var meta = await _bed.StoredAsync(r.Id);
        meta.Exception!.Type.Should().Be("TimeLimitExceeded");
        meta.Exception.Module.Should().Be("billiard.exceptions");
        _bed.Settlements.For(r.Id).Should().Equal(expected);
        AssertDeadLettered(r.Id, expected == SettleAction.Reject);
        worker.Unsettled.Should().Be(0);
    }

    [Theory]
    [InlineData(true, nameof(SettleAction.Ack))]
    [InlineData(false, nameof(SettleAction.Reject))]
    public async Task The_app_setting_applies_to_failures_of_tasks_that_do_not_set_it(bool appSetting, string expectedAction)
    {
        var expected = Enum.Parse<SettleAction>(expectedAction); // SettleAction is internal; a public test method cannot take it
        await UseAsync(o => { o.AcksLate = true; o.AcksOnFailureOrTimeout = appSetting; });
        var task = _bed.App.Task("ap.fails", (Func<int>)(() => throw new InvalidOperationException("broken")));
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        _bed.Settlements.For(r.Id).Should().Equal(expected);
        AssertDeadLettered(r.Id, expected == SettleAction.Reject);
        (await _bed.StoredAsync(r.Id)).Exception!.Message.Should().Be("broken", "the failure is stored either way");
    }

    [Fact]
    public async Task A_task_setting_overrides_the_app_setting()
    {
        await UseAsync(o => { o.AcksLate = true; o.AcksOnFailureOrTimeout = false; });
        var task = _bed.App.Task("ap.override", (Func<int>)(() => throw new InvalidOperationException()), o => o.AcksOnFailureOrTimeout = true);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        await _bed.FinishedAsync(r.Id);
        _bed.Settlements.For(r.Id).Should().Equal(SettleAction.Ack);
        AssertDeadLettered(r.Id, false);
    }

    [Fact]
    public async Task Without_acks_late_the_setting_changes_nothing_the_message_was_acked_before_running()
    {
        var task = _bed.App.Task("ap.early", (Func<int>)(() => throw new InvalidOperationException()), o => o.AcksOnFailureOrTimeout = false);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        _bed.Settlements.For(r.Id).Should().Equal(SettleAction.Ack);
        AssertDeadLettered(r.Id, false);
    }

    [Fact]
    public async Task With_acks_late_an_autoretry_that_runs_out_of_retries_is_a_failure_like_any_other()
    {
        var task = _bed.App.Task("ap.auto", (Func<int>)(() => throw new IOException("flaky disk")), o =>
        {
            o.AcksLate = true;
            o.AcksOnFailureOrTimeout = false;
            o.AutoRetryFor = [typeof(IOException)];
            o.MaxRetries = 1;
            o.DefaultRetryDelay = TimeSpan.FromSeconds(1);
        });
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        await _bed.RunRetriesAsync(r.Id, 1);

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        // The first delivery was retried (acked); the retry's delivery failed (rejected, as configured).
        _bed.Settlements.For(r.Id).Should().Equal(SettleAction.Ack, SettleAction.Reject);
        _bed.H.Broker.DeadLetters.Should().ContainSingle().Which.Message!.Headers["retries"]!.GetValue<int>().Should().Be(1);
    }

    private void AssertDeadLettered(string id, bool deadLettered)
    {
        var dead = _bed.H.Broker.DeadLetters.Select(m => m.Message!.Headers["id"]!.GetValue<string>());
        if (deadLettered) dead.Should().Equal(id);
        else dead.Should().BeEmpty();
        _bed.H.Broker.Depth("celery").Should().Be(0, "neither outcome requeues");
    }
}
