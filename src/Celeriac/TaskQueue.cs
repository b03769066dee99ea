namespace Celeriac;

/// <summary>
/// A queue with settings of its own, Celery's <c>kombu.Queue</c> in <c>task_queues</c>: the exchange it
/// is bound to, the key, and the arguments RabbitMQ declares it with. Every peer that declares the
/// queue must declare it alike, so give Python's <c>task_queues</c> and this the same values.
/// <code>
/// o.TaskQueues.Add(new TaskQueue("orders")
/// {
///     Arguments = { ["x-dead-letter-exchange"] = "dlx", ["x-dead-letter-routing-key"] = "orders.dead" },
/// });
/// </code>
/// </summary>
public sealed class TaskQueue
{
    /// <summary>A queue named <paramref name="name"/>, bound to the same-named direct exchange with its name as key.</summary>
    public TaskQueue(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The queue's name.</summary>
    public string Name { get; }

    /// <summary>The exchange it is bound to; null means the queue's own name (Celery's default).</summary>
    public string? Exchange { get; set; }

    /// <summary>The exchange's type: <c>direct</c> (default), <c>topic</c> or <c>fanout</c>.</summary>
    public string ExchangeType { get; set; } = "direct";

    /// <summary>The binding key; null means the queue's name.</summary>
    public string? RoutingKey { get; set; }

    /// <summary>
    /// Queue arguments as RabbitMQ takes them (<c>queue_arguments</c>): <c>x-max-priority</c>,
    /// <c>x-queue-type</c>, <c>x-dead-letter-exchange</c>, <c>x-dead-letter-routing-key</c>,
    /// <c>x-message-ttl</c>, <c>x-max-length</c>, … Values are strings, integers or booleans.
    /// </summary>
    public IDictionary<string, object> Arguments { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>The exchange in effect: <see cref="Exchange"/> or the queue's name.</summary>
    public string ExchangeName => Exchange ?? Name;

    /// <summary>The binding key in effect: <see cref="RoutingKey"/> or the queue's name.</summary>
    public string BindingKey => RoutingKey ?? Name;
}
