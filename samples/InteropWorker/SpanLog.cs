using System.Diagnostics;
using System.Text.Json.Nodes;
using Celeriac.Diagnostics;

namespace InteropWorker;

/// <summary>
/// <c>--trace</c> (docs/interop.md, "Tracing"): listens to the "Celeriac" source, records every span,
/// and writes each finished one to stderr as one JSON line
/// <c>{"span": {"name", "kind", "trace_id", "span_id", "parent_span_id", "task_id"}}</c>, so a test
/// can follow a trace through this process without an exporter.
/// </summary>
internal sealed class SpanLog : IDisposable
{
    private readonly ActivityListener _listener;

    private SpanLog(TextWriter output)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CeleriacDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            // One WriteLine per span on a synchronized writer: lines from parallel runs never interleave.
            ActivityStopped = span => output.WriteLine(Line(span)),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public static SpanLog? Start(bool trace) => trace ? new SpanLog(Console.Error) : null;

    internal static string Line(Activity span) => new JsonObject
    {
        ["span"] = new JsonObject
        {
            ["name"] = span.DisplayName,
            ["kind"] = span.Kind.ToString().ToLowerInvariant(),
            ["trace_id"] = span.TraceId.ToHexString(),
            ["span_id"] = span.SpanId.ToHexString(),
            ["parent_span_id"] = span.ParentSpanId == default ? null : span.ParentSpanId.ToHexString(),
            ["task_id"] = span.GetTagItem("messaging.message.id") as string,
        },
    }.ToJsonString();

    public void Dispose() => _listener.Dispose();
}
