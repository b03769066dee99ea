using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary><c>add_consumer</c>, <c>cancel_consumer</c> and <c>active_queues</c>: the task queues the worker consumes.</summary>
internal static class QueueCommands
{
    public static IEnumerable<ControlCommand> All =>
    [
        new ControlCommand("add_consumer", AddAsync),
        new ControlCommand("cancel_consumer", CancelAsync),
        ControlCommand.Sync("active_queues", (c, _) =>
            new JsonArray(c.Worker.ConsumingQueues.Select(q => (JsonNode?)Describe(q)).ToArray())),
    ];

    /// <summary>Celery replies the same text whether or not the queue was consumed already.</summary>
    private static async ValueTask<JsonNode?> AddAsync(ControlContext context, ControlArguments arguments, CancellationToken cancellationToken)
    {
        var queue = arguments.RequiredString("queue");
        if (!await context.Worker.AddQueueAsync(queue, cancellationToken).ConfigureAwait(false))
            context.Worker.ControlLog.LogInformation("Already consuming from {Queue}", queue);
        return ControlCommand.Ok($"add consumer {queue}");
    }

    private static async ValueTask<JsonNode?> CancelAsync(ControlContext context, ControlArguments arguments, CancellationToken cancellationToken)
    {
        var queue = arguments.RequiredString("queue");
        if (!await context.Worker.CancelQueueAsync(queue, cancellationToken).ConfigureAwait(false))
            context.Worker.ControlLog.LogInformation("Was not consuming from {Queue}", queue);
        return ControlCommand.Ok($"no longer consuming from {queue}");
    }

    /// <summary>kombu's <c>Queue.as_dict(recurse=True)</c> for a plain task queue: a direct exchange of its name, bound by its name.</summary>
    internal static JsonObject Describe(string queue) => new()
    {
        ["name"] = queue,
        ["exchange"] = new JsonObject
        {
            ["name"] = queue,
            ["type"] = "direct",
            ["arguments"] = null,
            ["durable"] = true,
            ["passive"] = false,
            ["auto_delete"] = false,
            ["delivery_mode"] = null,
            ["no_declare"] = false,
        },
        ["routing_key"] = queue,
        ["queue_arguments"] = null,
        ["binding_arguments"] = null,
        ["consumer_arguments"] = null,
        ["durable"] = true,
        ["exclusive"] = false,
        ["auto_delete"] = false,
        ["no_ack"] = false,
        ["alias"] = null,
        ["bindings"] = new JsonArray(),
        ["no_declare"] = null,
        ["expires"] = null,
        ["message_ttl"] = null,
        ["max_length"] = null,
        ["max_length_bytes"] = null,
        ["max_priority"] = null,
    };
}
