using System.Text.Json.Nodes;

using Celeriac.CommandLine.Output;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// One <c>celeriac inspect</c> action: the command sent (Celery 5.2.6's inspect command of that name), the
/// arguments it takes from the command line — as Celery's CLI reads them — and how its replies are drawn.
/// </summary>
internal sealed record InspectAction(string Name, string Summary, ReplyShape Shape, Func<IReadOnlyList<string>, JsonObject> Arguments)
{
    private static JsonObject None(IReadOnlyList<string> extra) =>
        extra.Count == 0 ? [] : throw CliException.Usage($"this inspect command takes no arguments (got '{string.Join(' ', extra)}')");

    private static JsonArray Strings(IReadOnlyList<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    /// <summary>Every action, in the order the help lists them.</summary>
    public static IReadOnlyList<InspectAction> All { get; } =
    [
        new("ping", "Who answers.", ReplyShape.Status, None),
        new("stats", "Each worker's statistics.", ReplyShape.Object, None),
        new("active", "The tasks each worker is running.", ReplyShape.Requests, None),
        new("reserved", "The tasks each worker has taken but not started.", ReplyShape.Requests, None),
        new("scheduled", "The tasks each worker holds until their ETA.", ReplyShape.Scheduled, None),
        new("revoked", "The task ids each worker holds as revoked.", ReplyShape.Strings, None),
        // Celery's CLI sends the extra words as taskinfoitems (e.g. rate_limit), appended to each name.
        new("registered", "The task names each worker knows [ATTRIBUTE...].", ReplyShape.Strings,
            extra => extra.Count == 0 ? [] : new JsonObject { ["taskinfoitems"] = Strings(extra) }),
        new("query_task", "What each worker holds of the given tasks: TASK_ID...", ReplyShape.TaskStates,
            extra => extra.Count > 0 ? new JsonObject { ["ids"] = Strings(extra) } : throw CliException.Usage("query_task needs at least one task id")),
        new("conf", "Each worker's configuration [WITH_DEFAULTS: true|false].", ReplyShape.Object, ConfArguments),
        new("report", "Each worker's report.", ReplyShape.Text, None),
        new("active_queues", "The queues each worker consumes from.", ReplyShape.Queues, None),
        new("clock", "Each worker's logical clock.", ReplyShape.Clock, None),
    ];

    // Celery reads with_defaults with strtobool.
    private static JsonObject ConfArguments(IReadOnlyList<string> extra) => extra switch
    {
        [] => [],
        [var flag] => new JsonObject { ["with_defaults"] = flag.ToLowerInvariant() switch
        {
            "y" or "yes" or "t" or "true" or "on" or "1" => true,
            "n" or "no" or "f" or "false" or "off" or "0" => false,
            _ => throw CliException.Usage($"conf: with_defaults must be true or false, not '{flag}'"),
        } },
        _ => throw CliException.Usage("conf takes one argument: with_defaults"),
    };
}
