using Microsoft.Extensions.Configuration;

namespace Celeriac.Configuration;

/// <summary>
/// Reads Celery's <c>task_queues</c> (or <c>TaskQueues</c>) from configuration: an object keyed by queue
/// name, or a list of objects with a <c>name</c>, each with <c>exchange</c>, <c>exchange_type</c>,
/// <c>routing_key</c> and <c>queue_arguments</c> (the .NET names <c>Exchange</c>, <c>ExchangeType</c>,
/// <c>RoutingKey</c>, <c>Arguments</c> work too).
/// <code>
/// {"task_queues": {"orders": {"exchange": "orders", "exchange_type": "direct", "routing_key": "orders",
///   "queue_arguments": {"x-dead-letter-exchange": "dlx", "x-message-ttl": 60000}}}}
/// </code>
/// Configuration hands every value over as text, so argument values are typed back as RabbitMQ
/// expects them: integers stay integers, <c>true</c>/<c>false</c> are booleans, and the arguments
/// RabbitMQ defines as strings (exchange and key names, queue type, overflow, …) stay strings
/// whatever they look like — a declaration whose argument types differ from a Python peer's fails
/// with 406 PRECONDITION_FAILED.
/// </summary>
internal static class TaskQueuesConfiguration
{
    private static readonly HashSet<string> StringArguments = new(StringComparer.Ordinal)
    {
        "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-queue-type", "x-overflow", "x-queue-mode",
        "x-dead-letter-strategy", "x-queue-master-locator", "x-queue-leader-locator", "x-single-active-consumer-name",
    };

    /// <summary>Adds the configured queues to <paramref name="queues"/>, replacing a queue of the same name.</summary>
    public static void Merge(IList<TaskQueue> queues, IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            var name = Value(child, "name") ?? (int.TryParse(child.Key, out _) ? null : child.Key)
                ?? throw new FormatException($"task_queues entry '{child.Path}' has no name");
            var queue = new TaskQueue(name)
            {
                Exchange = Value(child, "exchange"),
                ExchangeType = Value(child, "exchange_type") ?? "direct",
                RoutingKey = Value(child, "routing_key"),
            };
            var arguments = Section(child, "queue_arguments") ?? Section(child, "arguments");
            foreach (var argument in arguments?.GetChildren() ?? [])
                queue.Arguments[argument.Key] = Typed(argument.Key, argument.Value ?? "");
            for (var i = queues.Count - 1; i >= 0; i--)
                if (queues[i].Name == name) queues.RemoveAt(i);
            queues.Add(queue);
        }
    }

    private static object Typed(string key, string value) => StringArguments.Contains(key) ? value : ConfigurationText.Typed(value);

    // Celery's key (exchange_type) or ours (ExchangeType): they compare equal without underscores and case.
    private static IConfigurationSection? Section(IConfigurationSection parent, string celeryName) =>
        parent.GetChildren().FirstOrDefault(c => Normalize(c.Key) == Normalize(celeryName));

    private static string? Value(IConfigurationSection parent, string celeryName) => Section(parent, celeryName)?.Value;

    private static string Normalize(string key) => key.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
