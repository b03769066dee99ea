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
            new JsonArray(c.Worker.ConsumingQueues.Select(q => (JsonNode?)Describe(q, c.App.Options)).ToArray())),
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

    /// <summary>
    /// kombu's <c>Queue.as_dict(recurse=True)</c> for a task queue: its <c>task_queues</c> entry (exchange, key,
    /// arguments) or, by default, a direct exchange of its name bound by its name; <c>x-max-priority</c> added
    /// to the arguments when <c>task_queue_max_priority</c> is set, as Celery's <c>Queues._set_max_priority</c> does.
    /// </summary>
    internal static JsonObject Describe(string queue, CeleriacOptions? options = null)
    {
        var settings = options?.TaskQueues.FirstOrDefault(q => string.Equals(q.Name, queue, StringComparison.Ordinal));
        return Describe(queue, settings?.Exchange ?? queue, settings?.ExchangeType ?? "direct", settings?.RoutingKey ?? queue,
            QueueArguments(settings, options?.TaskQueueMaxPriority));
    }

    private static JsonObject? QueueArguments(TaskQueue? settings, int? maxPriority)
    {
        var arguments = new JsonObject();
        foreach (var (key, value) in settings?.Arguments ?? new Dictionary<string, object>())
        {
            arguments[key] = value switch
            {
                string text => text,
                bool flag => flag,
                int number => number,
                long number => number,
                double number => number,
                _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        if (maxPriority is { } max && !arguments.ContainsKey("x-max-priority")) arguments["x-max-priority"] = max;
        return arguments.Count == 0 ? null : arguments;
    }

    private static JsonObject Describe(string queue, string exchange, string exchangeType, string routingKey, JsonObject? queueArguments) => new()
    {
        ["name"] = queue,
        ["exchange"] = new JsonObject
        {
            ["name"] = exchange,
            ["type"] = exchangeType,
            ["arguments"] = null,
            ["durable"] = true,
            ["passive"] = false,
            ["auto_delete"] = false,
            ["delivery_mode"] = null,
            ["no_declare"] = false,
        },
        ["routing_key"] = routingKey,
        ["queue_arguments"] = queueArguments,
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
