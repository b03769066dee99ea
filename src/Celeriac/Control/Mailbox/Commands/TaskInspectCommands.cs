using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Tasks;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary>
/// Inspect commands about tasks: <c>active</c>, <c>reserved</c>, <c>scheduled</c>, <c>query_task</c>,
/// <c>revoked</c>, <c>registered</c>. A request waiting for its ETA is <c>scheduled</c> (and, as in
/// Celery, not yet known to <c>query_task</c>); one waiting for a slot or a rate-limit token is
/// <c>reserved</c>; one running is <c>active</c>.
/// </summary>
internal static class TaskInspectCommands
{
    /// <summary>The priority Celery's timer gives ETA entries, shown by <c>scheduled</c>.</summary>
    private const int EtaTimerPriority = 6;

    private static readonly string[] DefaultTaskInfoItems = ["exchange", "routing_key", "rate_limit"];

    public static IEnumerable<ControlCommand> All =>
    [
        ControlCommand.Sync("active", (c, a) => List(c, State.Active, a.Bool("safe"))),
        ControlCommand.Sync("reserved", (c, _) => List(c, State.Reserved, false)),
        ControlCommand.Sync("scheduled", Scheduled),
        ControlCommand.Sync("query_task", QueryTask),
        ControlCommand.Sync("revoked", (c, _) => new JsonArray(c.Worker.RevokedIds.Select(id => (JsonNode?)id).ToArray())),
        ControlCommand.Sync("registered", Registered),
    ];

    private enum State { Scheduled, Reserved, Active }

    private static State StateOf(TrackedRequest tracked, DateTimeOffset now) =>
        tracked.IsActive ? State.Active
        : tracked.Request.Message.Eta is { } eta && eta > now ? State.Scheduled
        : State.Reserved;

    private static JsonArray List(ControlContext context, State state, bool safe)
    {
        var now = context.App.Options.TimeProvider.GetUtcNow();
        return new JsonArray(context.Requests.Snapshot().Where(t => StateOf(t, now) == state)
            .Select(t => (JsonNode?)RequestInfo.Of(t, context.Hostname, safe)).ToArray());
    }

    private static JsonNode Scheduled(ControlContext context, ControlArguments _)
    {
        var now = context.App.Options.TimeProvider.GetUtcNow();
        return new JsonArray(context.Requests.Snapshot()
            .Where(t => StateOf(t, now) == State.Scheduled)
            .OrderBy(t => t.Request.Message.Eta)
            .Select(t => (JsonNode?)new JsonObject
            {
                ["eta"] = PythonDateTime.Format(t.Request.Message.Eta!.Value),
                ["priority"] = EtaTimerPriority,
                ["request"] = RequestInfo.Of(t, context.Hostname),
            }).ToArray());
    }

    /// <summary><c>{id: [state, info]}</c> for the ids this worker holds (reserved or active).</summary>
    private static JsonNode QueryTask(ControlContext context, ControlArguments arguments)
    {
        var ids = arguments.StringList("ids").ToHashSet(StringComparer.Ordinal);
        var now = context.App.Options.TimeProvider.GetUtcNow();
        var found = new JsonObject();
        foreach (var tracked in context.Requests.Snapshot())
        {
            var id = tracked.Request.Message.Id;
            if (!ids.Contains(id) || found.ContainsKey(id)) continue;
            var state = StateOf(tracked, now);
            if (state == State.Scheduled) continue;
            found[id] = new JsonArray(state == State.Active ? "active" : "reserved", RequestInfo.Of(tracked, context.Hostname));
        }
        return found;
    }

    /// <summary>
    /// Sorted task names, <c>celery.*</c> left out unless <c>builtins</c>, with <c>[attr=value …]</c> for the info items
    /// that are set; a limit changed by the <c>rate_limit</c>/<c>time_limit</c> commands shows its new value, as in Celery.
    /// </summary>
    private static JsonNode Registered(ControlContext context, ControlArguments arguments)
    {
        var items = arguments.StringList("taskinfoitems");
        if (items.Count == 0) items = DefaultTaskInfoItems;
        var builtins = arguments.Bool("builtins");
        var names = context.App.Tasks.Names.Where(n => builtins || !n.StartsWith("celery.", StringComparison.Ordinal));
        return new JsonArray(names.Select(name =>
        {
            var task = context.App.Tasks.Find(name)!;
            var fields = items.Select(item => (item, value: context.Worker.TryRemoteAttribute(name, item, out var set) ? set : Attribute(context.App.Options, task, item)))
                .Where(f => f.value is not null).Select(f => $"{f.item}={f.value}").ToList();
            return (JsonNode?)(fields.Count == 0 ? name : $"{name} [{string.Join(' ', fields)}]");
        }).ToArray());
    }

    /// <summary>A task attribute as Python's <c>str(getattr(task, item))</c> shows it; null when Celery's would be None.</summary>
    private static string? Attribute(CeleriacOptions app, TaskDefinition task, string item)
    {
        var o = task.Options;
        return item switch
        {
            "name" => task.Name,
            "rate_limit" => o.RateLimit,
            "queue" => o.Queue,
            "priority" => o.Priority?.ToString(CultureInfo.InvariantCulture),
            "max_retries" => o.MaxRetries?.ToString(CultureInfo.InvariantCulture),
            "default_retry_delay" => Number(o.DefaultRetryDelay),
            "time_limit" => (o.TimeLimit ?? app.TaskTimeLimit) is { } hard ? Number(hard) : null,
            "soft_time_limit" => (o.SoftTimeLimit ?? app.TaskSoftTimeLimit) is { } soft ? Number(soft) : null,
            "acks_late" => PythonBool(o.AcksLate ?? app.AcksLate),
            "acks_on_failure_or_timeout" => PythonBool(o.AcksOnFailureOrTimeout ?? app.AcksOnFailureOrTimeout),
            "reject_on_worker_lost" => o.RejectOnWorkerLost is { } lost ? PythonBool(lost) : null,
            "ignore_result" => PythonBool(o.IgnoreResult ?? app.IgnoreResult),
            "track_started" => PythonBool(o.TrackStarted ?? app.TrackStarted),
            "store_errors_even_if_ignored" => PythonBool(o.StoreErrorsEvenIfIgnored ?? app.StoreErrorsEvenIfIgnored),
            "serializer" => app.TaskSerializer,
            _ => null,
        };
    }

    private static string PythonBool(bool value) => value ? "True" : "False";

    private static string Number(TimeSpan span) =>
        span.TotalSeconds % 1 == 0 ? ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) : PythonRepr.FormatFloat(span.TotalSeconds);
}
