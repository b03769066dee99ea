using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// The workers page's rows: every worker the store knows (from events) and every one that answered the live
/// inspect (a worker without <c>-E</c> sends no events but answers), online first. Concurrency, queues and
/// autoscale come from the inspect; the rest from the events.
/// </summary>
internal static class WorkerView
{
    /// <param name="stored">The store's workers: online computed from heartbeats, long-offline ones already aged out.</param>
    /// <param name="live">The latest inspect, or null when the broker did not answer.</param>
    public static IReadOnlyList<WorkerRow> Rows(IReadOnlyList<WorkerRecord> stored, WorkerSnapshot? live)
    {
        var rows = new Dictionary<string, WorkerRow>(StringComparer.Ordinal);
        foreach (var worker in stored)
            rows[worker.Hostname] = new WorkerRow(worker.Hostname, worker.Online, worker.SoftwareIdent, worker.SoftwareVersion, worker.SoftwareSystem,
                Concurrency: null, worker.Active, worker.Processed, LoadAverage(worker.LoadAverage), worker.Frequency,
                worker.LastHeartbeat.UtcDateTime, worker.OfflineSince?.UtcDateTime, Queues: null, Autoscale: null);
        if (live is not null)
            foreach (var node in live.Workers.Keys)
            {
                var stats = live.StatsOf(node);
                var row = rows.TryGetValue(node, out var known) ? known with { Online = true, OfflineSince = null }
                    : new WorkerRow(node, true, null, null, null, null, null, null, null, null, live.At.UtcDateTime, null, null, null);
                rows[node] = row with
                {
                    Concurrency = stats?["pool"] is JsonObject pool ? Int64(pool["max-concurrency"]) : null,
                    Processed = row.Processed ?? (stats?["total"] is JsonObject total ? total.Sum(t => Int64(t.Value) ?? 0) : null),
                    Queues = live.QueuesOf(node),
                    Autoscale = stats?["autoscaler"] is JsonObject scaler && Int64(scaler["max"]) is { } max && Int64(scaler["min"]) is { } min ? new AutoscaleRow(max, min) : null,
                };
            }
        return rows.Values.OrderByDescending(r => r.Online).ThenBy(r => r.Hostname, StringComparer.Ordinal).ToList();
    }

    /// <summary>The stored load averages (the event's JSON array, e.g. <c>[0.5, 0.4, 0.3]</c>); null when absent or unreadable.</summary>
    private static IReadOnlyList<double>? LoadAverage(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return null;
        try
        {
            return JsonNode.Parse(stored) is JsonArray values ? values.Select(v => v is JsonValue n && n.TryGetValue<double>(out var d) ? d : 0).ToList() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static long? Int64(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue<long>(out var l) ? l
        : v.TryGetValue<double>(out var d) ? (long)d
        : v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : null
        : null;
}
