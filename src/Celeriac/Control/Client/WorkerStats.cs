using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control;

/// <summary>A worker's statistics (<c>inspect stats</c>); everything not modelled here is in <see cref="Raw"/>.</summary>
public sealed record WorkerStats
{
    /// <summary>Tasks processed since start, by task name.</summary>
    public required IReadOnlyDictionary<string, long> Total { get; init; }

    /// <summary>The worker's process id.</summary>
    public long? Pid { get; init; }

    /// <summary>The worker's Lamport clock (Python sends it as a string).</summary>
    public long? Clock { get; init; }

    /// <summary>Seconds since the worker started.</summary>
    public double? Uptime { get; init; }

    /// <summary>The current prefetch count.</summary>
    public long? PrefetchCount { get; init; }

    /// <summary>The pool's current concurrency (<c>pool["max-concurrency"]</c>).</summary>
    public long? MaxConcurrency { get; init; }

    /// <summary>The broker transport's name (<c>broker["transport"]</c>).</summary>
    public string? Transport { get; init; }

    /// <summary>The statistics as the worker sent them.</summary>
    public required JsonObject Raw { get; init; }

    /// <summary>Reads a stats reply; null when it is not one.</summary>
    internal static WorkerStats? From(JsonNode? node)
    {
        if (node is not JsonObject o || o.ContainsKey("error")) return null;
        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        if (o["total"] is JsonObject t)
            foreach (var (name, count) in t)
                if (CeleryJson.AsInt64(count) is { } n) total[name] = n;
        return new WorkerStats
        {
            Total = total,
            Pid = CeleryJson.AsInt64(o["pid"]),
            Clock = o["clock"] is JsonValue c && c.TryGetValue<string>(out var s) && long.TryParse(s, CultureInfo.InvariantCulture, out var parsed)
                ? parsed : CeleryJson.AsInt64(o["clock"]),
            Uptime = CeleryJson.AsDouble(o["uptime"]),
            PrefetchCount = CeleryJson.AsInt64(o["prefetch_count"]),
            MaxConcurrency = o["pool"] is JsonObject pool ? CeleryJson.AsInt64(pool["max-concurrency"]) : null,
            Transport = o["broker"] is JsonObject broker ? CeleryJson.GetString(broker, "transport") : null,
            Raw = (JsonObject)o.DeepClone(),
        };
    }
}
