using System.Diagnostics;
using Celeriac.Canvas;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// What a run publishes — a retry, the next chain step, a link callback, an errback, a chord body —
/// is sent under the run's consumer span, so each hop of a workflow is one trace: run → apply_async → run.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class CanvasSpanTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();
    private readonly SpanCollector _spans = new();

    public async Task InitializeAsync()
    {
        _h.App.Task("tc.add", (long x, long y) => x + y);
        _h.App.Task("tc.xsum", (List<long> numbers) => numbers.Sum());
        _h.App.Task("tc.fail", (string message) => { throw new InvalidOperationException(message); });
        _h.App.Task("tc.on_error", (string failedTaskId) => failedTaskId);
        _h.App.Task("tc.retry_once", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry(countdown: TimeSpan.Zero) : ctx.Retries);
        await _h.StartWorkerAsync(w => w.Concurrency = 4);
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _spans.Dispose();
    }

    [Fact]
    public async Task A_chain_step_is_sent_as_a_child_of_the_run_that_carries_the_chain_on()
    {
        var chain = _h.App.Signature("tc.add", [1, 2]) | _h.App.Signature("tc.add", [10]);
        var result = await chain.ApplyAsync();
        (await result.GetAsync(TimeSpan.FromSeconds(10)))!.GetValue<long>().Should().Be(13);

        var clientSend = await _spans.WaitForAsync("apply_async/tc.add", a => a.Parent is null);
        var first = await RunOfAsync("tc.add", a => a.ParentSpanId == clientSend.SpanId);
        var stepSend = await _spans.WaitForAsync("apply_async/tc.add", a => a.ParentSpanId == first.SpanId);
        var second = await _spans.WaitForAsync("run/tc.add", a => a.ParentSpanId == stepSend.SpanId);
        new[] { stepSend.TraceId, second.TraceId }.Should().AllBeEquivalentTo(first.TraceId, "one trace from the client through every step");
    }

    [Fact]
    public async Task A_retry_is_sent_as_a_child_of_the_attempt_that_retried_and_the_next_attempt_is_its_child()
    {
        var sent = await _h.SendAsync("tc.retry_once");
        (await sent.GetAsync(TimeSpan.FromSeconds(10)))!.GetValue<long>().Should().Be(1);

        var attempt0 = await _spans.WaitForAsync("run/tc.retry_once", a => Equals(a.GetTagItem("celery.retries"), 0));
        var attempt1 = await _spans.WaitForAsync("run/tc.retry_once", a => Equals(a.GetTagItem("celery.retries"), 1));
        attempt0.GetTagItem("celery.state").Should().Be("RETRY");
        attempt1.GetTagItem("celery.state").Should().Be("SUCCESS");
        var retrySend = await _spans.WaitForAsync("apply_async/tc.retry_once", a => a.ParentSpanId == attempt0.SpanId);
        retrySend.GetTagItem("messaging.message.id").Should().Be(sent.Id, "a retry keeps the task id");
        attempt1.ParentSpanId.Should().Be(retrySend.SpanId);
        attempt1.TraceId.Should().Be(attempt0.TraceId);
    }

    [Fact]
    public async Task A_link_callback_is_sent_as_a_child_of_the_run_that_succeeded()
    {
        var sent = await _h.App.Signature("tc.add", [2, 2]).Link(_h.App.Signature("tc.xsum", immutable: true).Set(new TaskSendOptions { Queue = "nobody" })).ApplyAsync();
        await sent.GetAsync(TimeSpan.FromSeconds(10));

        var run = await RunOfAsync("tc.add", a => Equals(a.GetTagItem("messaging.message.id"), sent.Id));
        var callback = await _spans.WaitForAsync("apply_async/tc.xsum");
        callback.ParentSpanId.Should().Be(run.SpanId);
        callback.TraceId.Should().Be(run.TraceId);
        callback.GetTagItem("messaging.destination.name").Should().Be("nobody");
    }

    [Fact]
    public async Task An_errback_is_sent_as_a_child_of_the_run_that_failed()
    {
        var sent = await _h.App.Signature("tc.fail", ["boom"]).LinkError(_h.App.Signature("tc.on_error")).ApplyAsync();

        var run = await RunOfAsync("tc.fail", a => Equals(a.GetTagItem("messaging.message.id"), sent.Id));
        var errback = await _spans.WaitForAsync("apply_async/tc.on_error");
        errback.ParentSpanId.Should().Be(run.SpanId);
        var errbackRun = await _spans.WaitForAsync("run/tc.on_error");
        errbackRun.ParentSpanId.Should().Be(errback.SpanId);
        run.Status.Should().Be(ActivityStatusCode.Error);
    }

    [Fact]
    public async Task A_chord_body_is_sent_as_a_child_of_the_run_that_completed_the_header()
    {
        var chord = Workflow.Chord([_h.App.Signature("tc.add", [1, 1]), _h.App.Signature("tc.add", [2, 2]), _h.App.Signature("tc.add", [3, 3])],
            _h.App.Signature("tc.xsum"));
        var result = await chord.ApplyAsync();
        (await result.GetAsync(TimeSpan.FromSeconds(10)))!.GetValue<long>().Should().Be(12);

        var bodySend = await _spans.WaitForAsync("apply_async/tc.xsum");
        // The worker that adds the last part sends the body from inside that part's run.
        var lastPart = await RunOfAsync("tc.add", a => a.SpanId == bodySend.ParentSpanId);
        var body = await _spans.WaitForAsync("run/tc.xsum");
        body.ParentSpanId.Should().Be(bodySend.SpanId);
        body.TraceId.Should().Be(lastPart.TraceId);
    }

    private Task<Activity> RunOfAsync(string task, Func<Activity, bool> match) => _spans.WaitForAsync("run/" + task, match);
}
