using Celeriac.Protocol.Results;
using Celeriac.Transport;

namespace Celeriac.Tests;

/// <summary>
/// A task refusing its message (<c>Reject</c>) or ending without a state (<c>Ignore</c>), docs/protocol.md §5.2:
/// nothing is stored either way; only with acks late does Reject change what happens to the message.
/// </summary>
public sealed class RejectIgnoreTests : IAsyncLifetime
{
    private RetryTestBed _bed = RetryTestBed.Create();
    private int _runs;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private Tasks.CeleriacTask<int> Refusing(string name, Func<TaskContext, Exception> refuse, Action<Tasks.TaskOptions>? configure = null) =>
        _bed.App.Task(name, (TaskContext ctx) =>
        {
            Interlocked.Increment(ref _runs);
            return ctx.Retries >= 0 ? throw refuse(ctx) : 0;
        }, configure);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_early_ack_Reject_changes_nothing_the_message_is_gone_and_nothing_is_stored(bool requeue)
    {
        var task = Refusing("ri.early-reject", ctx => ctx.Reject(requeue));
        var worker = await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Rejected);
        _bed.Settlements.For(r.Id).Should().Equal(SettleAction.Ack);
        await AssertGoneAsync(worker, r.Id, TaskStates.Pending);
    }

    [Fact]
    public async Task With_early_ack_Ignore_ends_the_task_with_nothing_stored()
    {
        var task = Refusing("ri.early-ignore", ctx => ctx.Ignore());
        var worker = await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Ignored);
        _bed.Settlements.For(r.Id).Should().Equal(SettleAction.Ack);
        await AssertGoneAsync(worker, r.Id, TaskStates.Pending);
    }

    [Theory]
    [InlineData("reject")]
    [InlineData("ignore")]
    public async Task With_TrackStarted_a_refused_or_ignored_task_stays_STARTED(string how)
    {
        var task = Refusing("ri.started-" + how, ctx => how == "reject" ? ctx.Reject() : ctx.Ignore(), o => o.TrackStarted = true);
        var worker = await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        await _bed.FinishedAsync(r.Id);
        await AssertGoneAsync(worker, r.Id, TaskStates.Started);
    }

    [Fact]
    public async Task With_acks_late_Reject_without_requeue_dead_letters_the_message()
    {
        var task = Refusing("ri.late-reject", ctx => ctx.Reject(requeue: false, reason: "poison"), o => o.AcksLate = true);
        var worker = await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Rejected);
        _bed.Settlements.For(r.Id).Should().Equal(SettleAction.Reject);
        _bed.H.Broker.DeadLetters.Select(m => m.Message!.Headers["id"]!.GetValue<string>()).Should().Equal(r.Id);
        (await _bed.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Pending);
        _bed.H.Broker.Depth("celery").Should().Be(0);
        worker.Unsettled.Should().Be(0);
        _runs.Should().Be(1);
    }

    [Fact]
    public async Task With_acks_late_Reject_with_requeue_puts_the_message_back_and_it_runs_again()
    {
        var task = _bed.App.Task("ri.late-requeue", (TaskContext ctx) =>
            Interlocked.Increment(ref _runs) == 1 ? throw ctx.Reject(requeue: true) : _runs,
            o => o.AcksLate = true);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        await _bed.Signals.WaitForAsync(s => s.Kind == Worker.WorkerSignalKind.Completed && s.TaskId == r.Id && s.State == TaskStates.Rejected, 1, "REJECTED");
        await _bed.Signals.WaitForAsync(s => s.Kind == Worker.WorkerSignalKind.Completed && s.TaskId == r.Id && s.State == TaskStates.Success, 1, "SUCCESS");
        _bed.Settlements.For(r.Id).Should().Equal(SettleAction.Requeue, SettleAction.Ack);
        _bed.H.Broker.DeadLetters.Should().BeEmpty();
        _bed.RetriesOf(r.Id).Should().BeEmpty("a requeue is the same message, not a retry");
        _bed.Published.Should().ContainSingle("only the client published");
        (await _bed.StoredAsync(r.Id)).Result!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task With_acks_late_a_requeued_message_is_back_on_its_queue_marked_redelivered()
    {
        Worker.CeleriacWorker worker = null!;
        var task = _bed.App.Task("ri.late-requeue-held", (TaskContext ctx) =>
        {
            // Stop fetching before refusing, so the requeued message stays on the queue for us to see.
            _ = worker.StopAsync();
            return ctx.Retries >= 0 ? throw ctx.Reject(requeue: true) : 0;
        }, o => o.AcksLate = true);
        worker = await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Rejected);
        await worker.StopAsync();

        var back = await _bed.H.DrainAsync("celery");
        back.Should().ContainSingle();
        back[0].Message.Id.Should().Be(r.Id);
        back[0].Message.Retries.Should().Be(0);
        back[0].Redelivered.Should().BeTrue();
        // The worker's requeue first (a fetch racing the stop may take it once more and give it
        // back), the ack of our own drain last; never a reject.
        _bed.Settlements.For(r.Id).Should().StartWith(SettleAction.Requeue).And.EndWith(SettleAction.Ack).And.NotContain(SettleAction.Reject);
        (await _bed.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Pending);
    }

    [Fact]
    public async Task With_acks_late_Ignore_acks_the_message_and_stores_nothing()
    {
        var task = Refusing("ri.late-ignore", ctx => ctx.Ignore(), o => o.AcksLate = true);
        var worker = await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Ignored);
        _bed.Settlements.For(r.Id).Should().Equal(SettleAction.Ack);
        await AssertGoneAsync(worker, r.Id, TaskStates.Pending);
    }

    /// <summary>Ran once, message neither back on the queue nor dead-lettered, stored state unchanged.</summary>
    private async Task AssertGoneAsync(Worker.CeleriacWorker worker, string id, string state)
    {
        _runs.Should().Be(1);
        _bed.H.Broker.Depth("celery").Should().Be(0);
        _bed.H.Broker.DeadLetters.Should().BeEmpty();
        worker.Unsettled.Should().Be(0);
        (await _bed.StoredAsync(id)).Status.Should().Be(state);
        var handle = await _bed.App.Result(id).RefreshAsync();
        handle.State.Should().Be(state);
        handle.IsReady.Should().BeFalse();
    }
}
