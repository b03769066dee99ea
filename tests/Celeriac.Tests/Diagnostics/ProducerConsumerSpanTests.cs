using System.Diagnostics;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// The producer span of a send and the consumer span of its run (docs/interop.md, "Tracing"): names,
/// kinds, attributes, the context carried in the top-level <c>traceparent</c> header, and what happens
/// without a listener or with a header that does not parse.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class ProducerConsumerSpanTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_send_is_a_producer_span_and_its_run_a_consumer_span_child_of_it()
    {
        using var spans = new SpanCollector();
        _h.App.Task("tr.add", (long x, long y) => x + y);
        var (worker, _) = await _h.StartWorkerAsync();

        var sent = await _h.SendAsync("tr.add", [2, 3]);
        (await sent.GetAsync(TimeSpan.FromSeconds(10)))!.GetValue<long>().Should().Be(5);

        var producer = await spans.WaitForAsync("apply_async/tr.add");
        var consumer = await spans.WaitForAsync("run/tr.add");
        producer.Kind.Should().Be(ActivityKind.Producer);
        producer.TagObjects.Should().Contain(
        [
            new("messaging.system", "memory"), new("messaging.operation.type", "send"), new("messaging.operation.name", "apply_async"),
            new("messaging.destination.name", "celery"), new("messaging.message.id", sent.Id), new("celery.task_name", "tr.add"),
        ]);
        consumer.Kind.Should().Be(ActivityKind.Consumer);
        consumer.TraceId.Should().Be(producer.TraceId);
        consumer.ParentSpanId.Should().Be(producer.SpanId, "the run's parent comes from the message's traceparent");
        consumer.HasRemoteParent.Should().BeTrue();
        consumer.TagObjects.Should().Contain(
        [
            new("messaging.system", "memory"), new("messaging.operation.type", "process"), new("messaging.operation.name", "run"),
            new("messaging.destination.name", "celery"), new("messaging.message.id", sent.Id), new("celery.task_name", "tr.add"),
            new("celery.retries", 0), new("celery.hostname", worker.Hostname), new("celery.state", "SUCCESS"),
        ]);
        consumer.Status.Should().Be(ActivityStatusCode.Unset);
    }

    [Fact]
    public async Task The_message_carries_the_producer_span_as_a_top_level_traceparent_header()
    {
        using var spans = new SpanCollector();
        var sent = await _h.SendAsync("tr.nobody_runs", [1]);

        var producer = await spans.WaitForAsync("apply_async/tr.nobody_runs");
        var message = (await _h.DrainAsync("celery")).Single().Message;
        message.Id.Should().Be(sent.Id);
        message.ExtraHeaders["traceparent"]!.GetValue<string>().Should().Be(producer.Id, "W3C: 00-<trace id>-<span id>-<flags>");
        message.ExtraHeaders["traceparent"]!.GetValue<string>().Should().Be($"00-{producer.TraceId}-{producer.SpanId}-01");
    }

    [Fact]
    public async Task With_no_listener_and_no_current_activity_the_message_has_no_trace_header()
    {
        Activity.Current.Should().BeNull();
        await _h.SendAsync("tr.untraced", [1], options: new TaskSendOptions { TaskId = "00000000-0000-0000-0000-000000000001" });

        var message = (await _h.DrainAsync("celery")).Single().Message;
        message.ExtraHeaders.Should().BeEmpty("nothing listens and nothing is current: the message is exactly what it was before tracing existed");
    }

    [Fact]
    public async Task With_no_listener_of_ours_a_current_activity_of_another_source_is_still_propagated()
    {
        // As HttpClient does: an ASP.NET Core request's activity continues into the worker even when
        // nobody subscribed to the "Celeriac" source.
        using var request = new Activity("an incoming request").SetIdFormat(ActivityIdFormat.W3C).Start();
        await _h.SendAsync("tr.from_request", [1]);
        request.Stop();

        var message = (await _h.DrainAsync("celery")).Single().Message;
        message.ExtraHeaders["traceparent"]!.GetValue<string>().Should().Be(request.Id);
    }

    [Fact]
    public async Task A_run_continues_the_trace_a_Python_client_put_in_the_headers()
    {
        using var spans = new SpanCollector();
        _h.App.Task("tr.from_python", (long x) => x);
        await _h.StartWorkerAsync();
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string parentSpanId = "00f067aa0ba902b7";

        var id = await PublishRawAsync("tr.from_python", new JsonObject
        {
            ["traceparent"] = $"00-{traceId}-{parentSpanId}-01",
            ["tracestate"] = "vendor=value",
        });

        var consumer = await spans.WaitForAsync("run/tr.from_python");
        consumer.TraceId.ToHexString().Should().Be(traceId);
        consumer.ParentSpanId.ToHexString().Should().Be(parentSpanId);
        consumer.TraceStateString.Should().Be("vendor=value");
        consumer.GetTagItem("messaging.message.id").Should().Be(id);
    }

    [Fact]
    public async Task Baggage_of_the_sender_reaches_the_run()
    {
        using var spans = new SpanCollector();
        _h.App.Task("tr.baggage", (long x) => x);
        await _h.StartWorkerAsync();

        using (var request = new Activity("an incoming request").SetIdFormat(ActivityIdFormat.W3C).AddBaggage("tenant", "acme").Start())
            await _h.SendAsync("tr.baggage", [1]);

        var consumer = await spans.WaitForAsync("run/tr.baggage");
        consumer.GetBaggageItem("tenant").Should().Be("acme");
    }

    [Fact]
    public async Task The_apps_own_propagator_writes_and_reads_the_context()
    {
        using var spans = new SpanCollector();
        await using var h = TestHarness.Create(o => o.Propagator = new PrefixedPropagator("x-"));
        h.App.Task("tr.own_propagator", (long x) => x);

        await h.SendAsync("tr.own_propagator", [1]);
        var message = (await h.DrainAsync("celery")).Single().Message;
        var producer = await spans.WaitForAsync("apply_async/tr.own_propagator");
        message.ExtraHeaders.Should().NotContainKey("traceparent");
        message.ExtraHeaders["x-traceparent"]!.GetValue<string>().Should().Be(producer.Id);

        await h.StartWorkerAsync();
        await h.App.Transport.PublishAsync(TaskMessageCodec.Encode(message), DeliveryInfo.ToQueue("celery"));
        (await spans.WaitForAsync("run/tr.own_propagator")).ParentSpanId.Should().Be(producer.SpanId, "read back through the same propagator");
    }

    [Theory]
    [InlineData("not a traceparent")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")]
    public async Task A_malformed_traceparent_starts_a_new_trace_and_the_task_still_runs(string traceparent)
    {
        using var spans = new SpanCollector();
        _h.App.Task("tr.bad_header", (long x) => x * 10);
        await _h.StartWorkerAsync();

        var id = await PublishRawAsync("tr.bad_header", new JsonObject { ["traceparent"] = traceparent });

        (await _h.App.Result(id).GetAsync(TimeSpan.FromSeconds(10)))!.GetValue<long>().Should().Be(10);
        var consumer = await spans.WaitForAsync("run/tr.bad_header");
        consumer.ParentSpanId.Should().Be(default(ActivitySpanId), "a root: a new trace");
        consumer.Parent.Should().BeNull();
        consumer.GetTagItem("celery.state").Should().Be("SUCCESS");
    }

    [Fact]
    public async Task A_retry_carries_the_new_context_only_not_the_trace_state_its_original_had()
    {
        using var spans = new SpanCollector();
        _h.App.Task("tr.retry_stale", (long x, TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry(countdown: TimeSpan.Zero) : ctx.Retries);
        await _h.StartWorkerAsync();

        // Not a context (a new trace starts), but a retry copies the original's headers, tracestate included.
        await PublishRawAsync("tr.retry_stale", new JsonObject { ["traceparent"] = "garbage", ["tracestate"] = "stale=1" });

        var second = await spans.WaitForAsync("run/tr.retry_stale", a => Equals(a.GetTagItem("celery.retries"), 1));
        second.TraceStateString.Should().BeNull("the retry's headers hold the retry's own context only");
        var first = await spans.WaitForAsync("run/tr.retry_stale", a => Equals(a.GetTagItem("celery.retries"), 0));
        second.TraceId.Should().Be(first.TraceId);
    }

    [Fact]
    public async Task A_header_that_is_not_a_string_is_no_trace_context()
    {
        using var spans = new SpanCollector();
        _h.App.Task("tr.number_header", (long x) => x);
        await _h.StartWorkerAsync();

        await PublishRawAsync("tr.number_header", new JsonObject { ["traceparent"] = 42 });

        (await spans.WaitForAsync("run/tr.number_header")).ParentSpanId.Should().Be(default(ActivitySpanId));
    }

    [Fact]
    public async Task A_failed_run_has_error_status_the_exception_and_state_FAILURE()
    {
        using var spans = new SpanCollector();
        _h.App.Task("tr.fail", (string message) => { throw new InvalidOperationException(message); });
        await _h.StartWorkerAsync();

        await _h.SendAsync("tr.fail", ["boom"]);

        var consumer = await spans.WaitForAsync("run/tr.fail");
        consumer.Status.Should().Be(ActivityStatusCode.Error);
        consumer.StatusDescription.Should().Contain("InvalidOperationException").And.Contain("boom");
        consumer.GetTagItem("celery.state").Should().Be("FAILURE");
        var exception = consumer.Events.Should().ContainSingle(e => e.Name == "exception").Subject;
        exception.Tags.Should().Contain(new KeyValuePair<string, object?>("exception.type", typeof(InvalidOperationException).FullName));
    }

    [Fact]
    public async Task A_run_sampled_out_still_runs_and_propagates_nothing_of_its_own()
    {
        using var spans = new SpanCollector(ActivitySamplingResult.None);
        _h.App.Task("tr.sampled_out", (long x) => x);
        await _h.StartWorkerAsync();

        var sent = await _h.SendAsync("tr.sampled_out", [7]);

        (await sent.GetAsync(TimeSpan.FromSeconds(10)))!.GetValue<long>().Should().Be(7);
        spans.Spans.Should().BeEmpty();
    }

    /// <summary>Publishes straight to the transport, as a Python client would: the headers are as given, no span of ours.</summary>
    private async Task<string> PublishRawAsync(string task, JsonObject headers)
    {
        var message = _h.App.Publisher.Build(task, [1], [], null, null);
        foreach (var (key, value) in headers) message.ExtraHeaders[key] = value?.DeepClone();
        await _h.App.Transport.DeclareQueueAsync("celery", CancellationToken.None);
        await _h.App.Transport.PublishAsync(TaskMessageCodec.Encode(message), DeliveryInfo.ToQueue("celery"));
        return message.Id;
    }
}
