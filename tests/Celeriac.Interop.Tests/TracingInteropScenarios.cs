using System.Diagnostics;
using System.Security.Cryptography;
using Celeriac.Interop.Tests.Support;
using Celeriac.Tests.Diagnostics;

namespace Celeriac.Interop.Tests;

/// <summary>
/// A trace that crosses the Python ↔ .NET line both ways (docs/interop.md, "Tracing"), the same on
/// every broker: a Python client puts <c>traceparent</c> in the headers as
/// opentelemetry-instrumentation-celery does (a <c>before_task_publish</c> handler writing into the
/// headers dict), the Celeriac worker (<c>--trace</c>, its spans read from stderr) runs under it and
/// carries it on to a Python worker, whose task reads it from its request as the instrumentation's
/// CeleryGetter does; and a Celeriac client's producer span reaches a Python worker.
/// </summary>
internal static class TracingInteropScenarios
{
    private const string Cx = TracingWorkers.CeleriacQueue;
    private const string Py = TracingWorkers.PythonQueue;

    public static async Task PythonClientsTraceParentsTheCeleriacRunAsync(ITracingCluster cluster)
    {
        var (traceId, parentSpanId) = NewContext();
        var python = cluster.TracedPythonClient($"00-{traceId}-{parentSpanId}-01", "vendor=py");

        var id = await python.SendOneAsync(new { name = "interop.add", args = new object[] { 2, 3 }, queue = Cx });

        (await python.GetOneAsync(id))["result"]!.GetValue<long>().Should().Be(5);
        var run = await SpanAsync(cluster, s => s.Name == "run/interop.add" && s.TaskId == id);
        run.Kind.Should().Be("consumer");
        run.TraceId.Should().Be(traceId, Describe(cluster));
        run.ParentSpanId.Should().Be(parentSpanId, "the header's span is the run's parent");
    }

    public static async Task CeleriacRunCarriesTheTraceOnToAPythonWorkerAsync(ITracingCluster cluster)
    {
        var (traceId, parentSpanId) = NewContext();
        var python = cluster.TracedPythonClient($"00-{traceId}-{parentSpanId}-01", "vendor=py");

        // interop.add runs on the Celeriac worker, which sends the chain's next step to the Python worker.
        var reply = await python.CanvasAsync(new
        {
            chain = new object[] { new { name = "interop.add", args = new object[] { 1, 2 }, queue = Cx }, new { name = "py.trace_context", queue = Py } },
        });
        var stepId = reply["id"]!.GetValue<string>();
        var seen = (await python.GetOneAsync(stepId))["result"]!;

        var run = await SpanAsync(cluster, s => s.Name == "run/interop.add" && s.TraceId == traceId);
        run.ParentSpanId.Should().Be(parentSpanId);
        var send = await SpanAsync(cluster, s => s.Name == "apply_async/py.trace_context" && s.TaskId == stepId);
        send.Kind.Should().Be("producer");
        send.ParentSpanId.Should().Be(run.SpanId, "the chain step is sent from inside the run");
        seen["traceparent"]!.GetValue<string>().Should().Be($"00-{traceId}-{send.SpanId}-01",
            "the Python task's request has the Celeriac producer span as its parent, in the same trace");
        seen["tracestate"]!.GetValue<string>().Should().Be("vendor=py", "the trace state travels on with the trace");
    }

    public static async Task RetryStaysInThePythonClientsTraceAsync(ITracingCluster cluster)
    {
        var (traceId, parentSpanId) = NewContext();
        var python = cluster.TracedPythonClient($"00-{traceId}-{parentSpanId}-01");

        var id = await python.SendOneAsync(new { name = "interop.retry", args = new object[] { 1 }, queue = Cx });
        (await python.GetOneAsync(id))["result"]!.GetValue<long>().Should().Be(1);

        var first = await SpanAsync(cluster, s => s.Name == "run/interop.retry" && s.TaskId == id && s.ParentSpanId == parentSpanId);
        var retry = await SpanAsync(cluster, s => s.Name == "apply_async/interop.retry" && s.ParentSpanId == first.SpanId);
        var second = await SpanAsync(cluster, s => s.Name == "run/interop.retry" && s.ParentSpanId == retry.SpanId);
        new[] { first.TraceId, retry.TraceId, second.TraceId }.Should().AllBe(traceId);
    }

    public static async Task CeleriacClientsProducerSpanIsWhatAPythonWorkerSeesAsync(ITracingCluster cluster)
    {
        using var spans = new SpanCollector();

        var sent = await cluster.Client.SendTaskAsync("py.trace_context", options: new TaskSendOptions { Queue = Py });
        var seen = (await sent.GetAsync(TimeSpan.FromSeconds(20)))!;

        var producer = await spans.WaitForAsync("apply_async/py.trace_context", s => Equals(s.GetTagItem("messaging.message.id"), sent.Id));
        seen["traceparent"]!.GetValue<string>().Should().Be(producer.Id).And.Be($"00-{producer.TraceId}-{producer.SpanId}-01");
        seen["tracestate"].Should().BeNull();
    }

    public static async Task WithoutAListenerACeleriacClientSendsNoTraceContextAsync(ITracingCluster cluster)
    {
        Activity.Current.Should().BeNull();

        var sent = await cluster.Client.SendTaskAsync("py.trace_context", options: new TaskSendOptions { Queue = Py });
        var seen = (await sent.GetAsync(TimeSpan.FromSeconds(20)))!;

        seen["traceparent"].Should().BeNull();
    }

    private static (string TraceId, string SpanId) NewContext() =>
        (Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));

    /// <summary>A span of the Celeriac worker's, once it has written it (a run's span ends after its result is stored).</summary>
    private static async Task<WorkerSpan> SpanAsync(ITracingCluster cluster, Func<WorkerSpan, bool> match)
    {
        WorkerSpan? found = null;
        await Poll.UntilAsync(() => Task.FromResult((found = cluster.WorkerSpans.FirstOrDefault(match)) is not null), TimeSpan.FromSeconds(20),
            () => Describe(cluster));
        return found!;
    }

    private static string Describe(ITracingCluster cluster) =>
        "spans:\n" + string.Join("\n", cluster.WorkerSpans) + "\n" + cluster.DescribeCeleriacWorker();
}
