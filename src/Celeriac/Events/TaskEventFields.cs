using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;

namespace Celeriac.Events;

/// <summary>
/// The fields of each task event, named and ordered as Celery 5.2.6 sends them (docs/protocol.md §6.3;
/// <c>celery/worker/strategy.py</c>, <c>celery/worker/request.py</c>, <c>celery/app/amqp.py</c>); the three
/// every task sends (received, started, succeeded) are <see cref="TaskEventBodies"/>.
/// </summary>
internal static class TaskEventFields
{
    /// <summary>Celery's <c>resultrepr_maxsize</c>: a <c>task-succeeded</c> result repr is cut to 1024 characters.</summary>
    public const int ResultReprMaxSize = 1024;

    /// <summary><c>task-sent</c> (the producer, with <c>task_send_sent_event</c>): as <c>as_task_v2</c> plus where it went.</summary>
    public static JsonObject Sent(TaskMessage m, string queue, string exchange, string routingKey) => new()
    {
        ["uuid"] = m.Id,
        ["root_id"] = m.RootId,
        ["parent_id"] = m.ParentId,
        ["name"] = m.Task,
        ["args"] = ArgsRepr(m),
        ["kwargs"] = KwargsRepr(m),
        ["retries"] = m.Retries,
        ["eta"] = Iso(m.Eta),
        ["expires"] = Iso(m.Expires),
        ["queue"] = queue,
        ["exchange"] = exchange,
        ["routing_key"] = routingKey,
    };

    /// <summary><c>task-failed</c>: the exception's repr and the traceback; an unknown task has no traceback field.</summary>
    public static JsonObject Failed(string id, string exceptionRepr, string? traceback, bool withTraceback = true)
    {
        var o = new JsonObject { ["uuid"] = id, ["exception"] = exceptionRepr };
        if (withTraceback) o["traceback"] = traceback;
        return o;
    }

    /// <summary><c>task-failed</c> from an <see cref="ExceptionInfo"/>.</summary>
    public static JsonObject Failed(string id, ExceptionInfo? error, string? traceback) =>
        Failed(id, error?.Repr ?? "Exception()", traceback);

    /// <summary><c>task-retried</c>: the retry's cause (or the <c>Retry</c> itself) and the traceback.</summary>
    public static JsonObject Retried(string id, ExceptionInfo? cause, string? traceback) => new()
    {
        ["uuid"] = id,
        ["exception"] = cause?.Repr ?? "None", // safe_repr(Retry.exc): None when retry was given no exception
        ["traceback"] = traceback ?? "",
    };

    /// <summary><c>task-revoked</c>.</summary>
    public static JsonObject Revoked(string id, bool terminated, int? signum, bool expired) => new()
    {
        ["uuid"] = id,
        ["terminated"] = terminated,
        ["signum"] = signum,
        ["expired"] = expired,
    };

    /// <summary><c>task-rejected</c>.</summary>
    public static JsonObject Rejected(string id, bool requeue) => new() { ["uuid"] = id, ["requeue"] = requeue };

    // Taken from the message's argsrepr/kwargsrepr headers as Celery does; a message without them
    // (protocol 1, other producers) gets saferepr of the values, which is how Python writes the headers.
    internal static string ArgsRepr(TaskMessage m) => m.ArgsRepr ?? PythonSafeRepr.FormatTuple(m.Args);

    internal static string KwargsRepr(TaskMessage m) => m.KwargsRepr ?? PythonSafeRepr.Format(m.Kwargs);

    private static string? Iso(DateTimeOffset? t) => t is { } v ? PythonDateTime.Format(v) : null;
}
