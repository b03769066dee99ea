using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Microsoft.Extensions.Logging;

namespace Celeriac.Control;

/// <summary>
/// Celery's inspect commands (<c>app.control.inspect()</c>, docs/protocol.md §7.5), answered per node with typed
/// values. A node whose reply is not of the command's shape (e.g. <c>{"error": …}</c> from a worker
/// that does not know the command) is left out and logged; <see cref="CeleriacControl.BroadcastAsync"/>
/// returns every reply raw. Get one from <see cref="CeleriacControl.Inspect(IReadOnlyList{string}?, TimeSpan?)"/>.
/// </summary>
public sealed class CeleriacInspector
{
    private readonly CeleriacControl _control;
    private readonly ControlCallOptions _options;
    private readonly ILogger _logger;

    internal CeleriacInspector(CeleriacControl control, ControlCallOptions options, ILogger logger)
    {
        _control = control;
        _options = options;
        _logger = logger;
    }

    /// <summary>Who answers (<c>{"ok": "pong"}</c> each).</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> PingAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("ping", new JsonObject(), n => new ControlResponse(n?.DeepClone()), cancellationToken);

    /// <summary>Each worker's statistics.</summary>
    public Task<IReadOnlyDictionary<string, WorkerStats>> StatsAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("stats", new JsonObject(), WorkerStats.From, cancellationToken);

    /// <summary>The tasks each worker is running now.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<TaskRequestInfo>>> ActiveAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("active", new JsonObject { ["safe"] = null }, n => ListOf(n, TaskRequestInfo.From), cancellationToken);

    /// <summary>The tasks each worker has taken but not started (waiting for a slot).</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<TaskRequestInfo>>> ReservedAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("reserved", new JsonObject(), n => ListOf(n, TaskRequestInfo.From), cancellationToken);

    /// <summary>The tasks each worker holds until their ETA.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<ScheduledTaskInfo>>> ScheduledAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("scheduled", new JsonObject(), n => ListOf(n, ScheduledTaskInfo.From), cancellationToken);

    /// <summary>The task ids each worker holds as revoked.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RevokedAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("revoked", new JsonObject(), Strings, cancellationToken);

    /// <summary>The task names each worker knows, optionally with attributes (e.g. <c>rate_limit</c>) appended as Celery does.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RegisteredAsync(IReadOnlyList<string>? taskInfoItems = null, CancellationToken cancellationToken = default) =>
        RequestAsync("registered", new JsonObject { ["taskinfoitems"] = new JsonArray((taskInfoItems ?? []).Select(i => (JsonNode?)i).ToArray()) }, Strings, cancellationToken);

    /// <summary>What each worker holds of the given tasks: by node, by task id.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, TaskQueryInfo>>> QueryTaskAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken = default) =>
        RequestAsync("query_task", new JsonObject { ["ids"] = new JsonArray(taskIds.Select(i => (JsonNode?)i).ToArray()) }, QueryResult, cancellationToken);

    /// <summary>Each worker's configuration (only non-default settings unless <paramref name="withDefaults"/>).</summary>
    public Task<IReadOnlyDictionary<string, JsonObject>> ConfAsync(bool withDefaults = false, CancellationToken cancellationToken = default) =>
        RequestAsync("conf", new JsonObject { ["with_defaults"] = withDefaults }, n => n is JsonObject o ? (JsonObject)o.DeepClone() : null, cancellationToken);

    /// <summary>Each worker's human-readable report.</summary>
    public Task<IReadOnlyDictionary<string, string>> ReportAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("report", new JsonObject(), n => new ControlResponse(n).Ok, cancellationToken);

    /// <summary>The queues each worker consumes from.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<QueueInfo>>> ActiveQueuesAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("active_queues", new JsonObject(), n => ListOf(n, QueueInfo.From), cancellationToken);

    /// <summary>Each worker's Lamport clock.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ClockAsync(CancellationToken cancellationToken = default)
    {
        var clocks = await RequestAsync<long?>("clock", new JsonObject(), n => n is JsonObject o ? CeleryJson.AsInt64(o["clock"]) : null, cancellationToken).ConfigureAwait(false);
        return clocks.ToDictionary(c => c.Key, c => c.Value!.Value, StringComparer.Ordinal);
    }

    private async Task<IReadOnlyDictionary<string, T>> RequestAsync<T>(string method, JsonObject arguments, Func<JsonNode?, T?> read, CancellationToken cancellationToken)
    {
        var replies = await _control.BroadcastAsync(method, arguments, _options, cancellationToken).ConfigureAwait(false);
        var typed = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (node, value) in replies)
        {
            T? item;
            try { item = read(value); }
            catch (FormatException) { item = default; }
            if (item is not null) typed[node] = item;
            else _logger.LogWarning("Reply of {Node} to {Method} is not of its shape: {Reply}", node, method, CeleryJson.ToJsonString(value));
        }
        return typed;
    }

    private static IReadOnlyList<T>? ListOf<T>(JsonNode? node, Func<JsonNode?, T?> read) where T : class
    {
        if (node is not JsonArray array) return null;
        var list = new List<T>(array.Count);
        foreach (var entry in array)
            list.Add(read(entry) ?? throw new FormatException("unexpected entry"));
        return list;
    }

    private static IReadOnlyList<string>? Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(e => e is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException("not a string")).ToList() : null;

    private static IReadOnlyDictionary<string, TaskQueryInfo>? QueryResult(JsonNode? node)
    {
        if (node is not JsonObject o || o.ContainsKey("error")) return null;
        var result = new Dictionary<string, TaskQueryInfo>(StringComparer.Ordinal);
        foreach (var (id, entry) in o)
        {
            if (entry is JsonArray { Count: 2 } pair && pair[0] is JsonValue s && s.TryGetValue<string>(out var state) && TaskRequestInfo.From(pair[1]) is { } request)
                result[id] = new TaskQueryInfo(state, request);
            else throw new FormatException("unexpected query_task entry");
        }
        return result;
    }
}
