using System.Diagnostics;
using System.Text.Json.Nodes;
using Celeriac.Testing;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Trace;

namespace Celeriac.OpenTelemetry.Tests;

/// <summary>
/// A real send and run on the in-memory broker: the tracer provider sees Celeriac's producer and consumer
/// spans, and the consumer's parent came through the headers OpenTelemetry's propagator wrote.
/// </summary>
[Collection(PropagatorCollection.Name)]
public sealed class EndToEndTracingTests : IDisposable
{
    private static readonly TextMapPropagator W3CAndBaggage =
        new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()]);

    public void Dispose() => Sdk.SetDefaultTextMapPropagator(W3CAndBaggage);

    [Fact]
    public async Task A_send_and_its_run_are_exported_with_the_run_parented_by_the_send_through_W3C_headers()
    {
        Sdk.SetDefaultTextMapPropagator(W3CAndBaggage);
        var (send, run, headers) = await SendAndRunAsync();

        headers["traceparent"]!.GetValue<string>().Should().StartWith($"00-{send.TraceId.ToHexString()}-{send.SpanId.ToHexString()}-");
        run.TraceId.Should().Be(send.TraceId);
        run.ParentSpanId.Should().Be(send.SpanId);
    }

    [Fact]
    public async Task With_B3_configured_the_task_headers_carry_B3_and_the_run_still_joins_the_trace()
    {
#pragma warning disable CS0618 // the API package's B3Propagator; the same format as OpenTelemetry.Extensions.Propagators'
        Sdk.SetDefaultTextMapPropagator(new B3Propagator());
#pragma warning restore CS0618
        var (send, run, headers) = await SendAndRunAsync();

        headers.ContainsKey("traceparent").Should().BeFalse("B3 is what this shop's peers read");
        headers["X-B3-TraceId"]!.GetValue<string>().Should().Be(send.TraceId.ToHexString());
        headers["X-B3-SpanId"]!.GetValue<string>().Should().Be(send.SpanId.ToHexString());
        run.TraceId.Should().Be(send.TraceId);
        run.ParentSpanId.Should().Be(send.SpanId);
    }

    private static async Task<(Activity Send, Activity Run, JsonObject Headers)> SendAndRunAsync()
    {
        var spans = new LockedList<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder().AddCeleriacInstrumentation().AddInMemoryExporter(spans).Build();
        await using var harness = CeleriacTestHarness.Create(o => o.UseOpenTelemetryPropagation());
        JsonObject? seen = null;
        var task = harness.App.Task("orders.process", (TaskContext context) =>
        {
            seen = (JsonObject)context.Headers.DeepClone();
            return 1;
        });
        await harness.StartWorkerAsync();

        var result = await task.DelayAsync();
        await harness.WaitForTaskAsync(result.Id);

        // The run's span ends just after its result is stored: wait for it, not for a fixed time.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!spans.Snapshot().Any(s => s.DisplayName == "run/orders.process") && DateTime.UtcNow < deadline) await Task.Delay(10);
        var all = spans.Snapshot();
        return (all.Single(s => s.DisplayName == "apply_async/orders.process"), all.Single(s => s.DisplayName == "run/orders.process"), seen!);
    }
}
