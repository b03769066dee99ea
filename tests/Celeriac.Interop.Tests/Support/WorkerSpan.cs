using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support;

/// <summary>One span line of an InteropWorker run with <c>--trace</c> (docs/interop.md, "Tracing").</summary>
internal sealed record WorkerSpan(string Name, string Kind, string TraceId, string SpanId, string? ParentSpanId, string? TaskId)
{
    /// <summary>Every <c>{"span": …}</c> line in a process's output, in order.</summary>
    public static IReadOnlyList<WorkerSpan> Parse(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("{\"span\"", StringComparison.Ordinal))
            .Select(line => JsonNode.Parse(line)!["span"]!)
            .Select(s => new WorkerSpan(
                s["name"]!.GetValue<string>(), s["kind"]!.GetValue<string>(), s["trace_id"]!.GetValue<string>(),
                s["span_id"]!.GetValue<string>(), s["parent_span_id"]?.GetValue<string>(), s["task_id"]?.GetValue<string>()))
            .ToList();

    public override string ToString() => $"{Name} ({Kind}) trace {TraceId} span {SpanId} parent {ParentSpanId ?? "-"} task {TaskId ?? "-"}";
}
