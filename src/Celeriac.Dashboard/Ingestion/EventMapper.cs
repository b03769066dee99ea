using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Dashboard.Store;
using Celeriac.Events;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Turns a received event into what the store keeps: task events into <see cref="TaskEvent"/>s under Celery's
/// state names, worker events into <see cref="WorkerUpdate"/>s. Other events (custom ones, a client's
/// <c>worker-*</c> lookalikes) are not stored.
/// </summary>
internal static class EventMapper
{
    /// <summary>The store's record of <paramref name="e"/>, or null when it is not one the store keeps.</summary>
    /// <exception cref="FormatException">The event lacks what its type needs (a task id, a time) or has an unreadable field.</exception>
    public static object? Map(CeleryEventInfo e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Type switch
        {
            "task-sent" => TaskOf(e, "PENDING", worker: false) with
            {
                Name = e.TaskName, Args = e.Args, Kwargs = e.Kwargs, RootId = e.RootId, ParentId = e.ParentId,
                Retries = Retries(e), Eta = Time(e.Eta), Expires = Time(e.Expires), Queue = Queue(e),
            },
            "task-received" => TaskOf(e, "RECEIVED") with
            {
                Name = e.TaskName, Args = e.Args, Kwargs = e.Kwargs, RootId = e.RootId, ParentId = e.ParentId,
                Retries = Retries(e), Eta = Time(e.Eta), Expires = Time(e.Expires), Queue = Queue(e),
            },
            "task-started" => TaskOf(e, "STARTED"),
            "task-succeeded" => TaskOf(e, "SUCCESS") with { Result = e.Result, Runtime = e.Runtime },
            "task-failed" => TaskOf(e, "FAILURE") with { Exception = e.Exception, Traceback = e.Traceback },
            "task-retried" => TaskOf(e, "RETRY") with { Exception = e.Exception, Traceback = e.Traceback },
            "task-revoked" => TaskOf(e, "REVOKED"),
            "task-rejected" => TaskOf(e, "REJECTED"),
            "worker-online" or "worker-heartbeat" => Worker(e, online: true),
            "worker-offline" => Worker(e, online: false),
            _ => null,
        };
    }

    private static TaskEvent TaskOf(CeleryEventInfo e, string state, bool worker = true)
    {
        var id = e.TaskId;
        if (string.IsNullOrEmpty(id)) throw new FormatException($"{e.Type} has no uuid");
        // task-sent comes from a client, not a worker: its hostname is not where the task runs.
        return new TaskEvent(id, state, When(e)) { Worker = worker && e.Hostname.Length > 0 ? e.Hostname : null };
    }

    private static WorkerUpdate Worker(CeleryEventInfo e, bool online)
    {
        if (e.Hostname.Length == 0) throw new FormatException($"{e.Type} has no hostname");
        return new WorkerUpdate(e.Hostname, When(e), online)
        {
            SoftwareIdent = e.SoftwareIdent,
            SoftwareVersion = e.SoftwareVersion,
            SoftwareSystem = e.SoftwareSystem,
            Frequency = e.Freq,
            Active = e.Active is { } a ? (int)Math.Clamp(a, 0, int.MaxValue) : null,
            Processed = e.Processed,
            LoadAverage = e.Raw["loadavg"] is JsonArray load ? load.ToJsonString() : null,
        };
    }

    // The sender's time (already shifted into ours by the receiver); one without any falls back to when it arrived.
    private static DateTimeOffset When(CeleryEventInfo e)
    {
        var seconds = e.Timestamp ?? e.LocalReceived;
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > 253_402_300_799) throw new FormatException($"{e.Type} has an impossible timestamp {seconds}");
        return TaskRow.FromUnix(seconds);
    }

    // task-sent names it; Celeriac's worker adds the delivery's queue to task-received (Python's sends none).
    private static string? Queue(CeleryEventInfo e) => Text(e.Raw["queue"]) ?? Text(e.Raw["routing_key"]);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static int? Retries(CeleryEventInfo e) => e.Retries is { } r ? (int)Math.Clamp(r, 0, int.MaxValue) : null;

    private static DateTimeOffset? Time(string? iso) =>
        iso is not null && DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
