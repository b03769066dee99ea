using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Worker;

namespace Celeriac.Compliance;

/// <content>Retries, rejects and refused messages, as the broker sees them.</content>
public abstract partial class WorkerComplianceTests
{
    [Fact]
    public async Task A_retry_is_a_new_message_with_the_same_id_and_retries_1_on_the_queue_it_came_from()
    {
        var other = await DeclareNewQueueAsync();
        var task = App.Task("cw.retry", (TaskContext ctx, int x) =>
            ctx.Retries == 0 ? throw ctx.Retry(countdown: TimeSpan.FromMinutes(10)) : x);
        var (worker, signals) = await StartWorkerAsync(w => w.Queues = [other]);

        var before = DateTimeOffset.UtcNow;
        var r = await task.ApplyAsync(7, options: new TaskSendOptions { Queue = other });
        await signals.WaitForAsync(WorkerSignalKind.Completed, r.Id, TaskStates.Retry);
        var after = DateTimeOffset.UtcNow;
        await worker.StopAsync(); // the retry, held for its ETA, goes back

        var retried = (await TakeAllAsync(other)).Should().ContainSingle().Subject;
        retried.Id.Should().Be(r.Id);
        retried.Task.Should().Be("cw.retry");
        retried.Retries.Should().Be(1);
        retried.Args.ToJsonString().Should().Be("[7]");
        retried.Eta.Should().BeOnOrAfter(before.AddMinutes(10).AddMilliseconds(-1)).And.BeOnOrBefore(after.AddMinutes(10).AddMilliseconds(1));
        (await DepthAsync(Queue)).Should().Be(0, "the retry goes where the task came from, not to the default queue");
        (await App.Backend.GetAsync(r.Id)).Status.Should().Be(TaskStates.Retry);
    }

    [Fact]
    public async Task Reject_with_requeue_and_acks_late_puts_the_message_back_and_it_is_delivered_again()
    {
        var runs = 0;
        var task = App.Task("cw.reject-requeue", (TaskContext ctx) =>
            Interlocked.Increment(ref runs) == 1 ? throw ctx.Reject(requeue: true) : "second delivery", o => o.AcksLate = true);
        var (worker, signals) = await StartWorkerAsync(w => w.Concurrency = 1);

        var r = await task.DelayAsync();
        await signals.WaitForAsync(WorkerSignalKind.Completed, r.Id, TaskStates.Rejected);
        await signals.WaitForAsync(WorkerSignalKind.Completed, r.Id, TaskStates.Success);
        await worker.StopAsync();

        runs.Should().Be(2);
        signals.All.Count(s => s.Kind == WorkerSignalKind.Received && s.TaskId == r.Id).Should().Be(2, "the broker delivered it twice");
        (await App.Backend.GetAsync(r.Id)).Status.Should().Be(TaskStates.Success);
        (await DepthAsync(Queue)).Should().Be(0);
    }

    [Fact]
    public async Task Reject_without_requeue_and_acks_late_removes_the_message()
    {
        var runs = 0;
        var task = App.Task("cw.reject-drop", (TaskContext ctx) =>
        {
            Interlocked.Increment(ref runs);
            throw ctx.Reject(requeue: false);
        }, o => o.AcksLate = true);
        var (worker, signals) = await StartWorkerAsync();

        var r = await task.DelayAsync();
        await signals.WaitForAsync(WorkerSignalKind.Completed, r.Id, TaskStates.Rejected);
        await worker.StopAsync();

        runs.Should().Be(1);
        (await DepthAsync(Queue)).Should().Be(0);
    }

    [Fact]
    public async Task A_message_for_an_unknown_task_is_rejected_not_requeued_and_stored_NotRegistered()
    {
        var message = ComplianceMessages.Task(); // compliance.echo: a task this worker does not have
        var id = ComplianceMessages.IdOf(message);
        var (worker, signals) = await StartWorkerAsync();

        await App.Transport.PublishAsync(message, DeliveryInfo.ToQueue(Queue));
        await signals.WaitForAsync(WorkerSignalKind.Rejected, id);
        await worker.StopAsync();

        (await DepthAsync(Queue)).Should().Be(0, "an unknown task is rejected without requeue, also when the worker stops");
        var meta = await App.Backend.GetAsync(id);
        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be("NotRegistered");
    }

    [Theory]
    [InlineData("application/json", "{not json")]
    [InlineData("application/json", "\"a string, not [args, kwargs, embed]\"")]
    [InlineData("application/x-python-serialize", "(lp0\n.")]
    public async Task A_malformed_or_refused_message_is_rejected_and_not_requeued(string contentType, string body)
    {
        var headers = (JsonObject)ComplianceMessages.Task().Headers.DeepClone();
        headers["task"] = "cw.known";
        var runs = 0;
        App.Task("cw.known", () => Interlocked.Increment(ref runs));
        var (worker, signals) = await StartWorkerAsync(w => w.Concurrency = 1);

        var bad = new BrokerMessage(headers, new MessageProperties(), Encoding.UTF8.GetBytes(body), contentType,
            contentType == ContentTypes.Json ? "utf-8" : "binary");
        await App.Transport.PublishAsync(bad, DeliveryInfo.ToQueue(Queue));
        var good = await App.SendTaskAsync("cw.known");
        await signals.WaitForAsync(WorkerSignalKind.Rejected);
        await signals.WaitForAsync(WorkerSignalKind.Completed, good.Id, TaskStates.Success);
        await worker.StopAsync();

        runs.Should().Be(1, "only the good message ran");
        (await DepthAsync(Queue)).Should().Be(0, "the bad message is not requeued, also when the worker stops");
    }
}
