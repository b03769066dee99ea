using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// What Celery 5.2.6 declares for a task queue, with the same flags and arguments (docs/protocol.md §3.1),
/// so a Python peer and a Celeriac peer declaring the same queue never get 406 PRECONDITION_FAILED:
/// a durable exchange (the queue's <see cref="TaskQueue"/> settings, else a direct exchange named
/// after the queue), a durable queue with the configured arguments plus <c>x-max-priority</c> when
/// <c>task_queue_max_priority</c> is set and the queue has none (Celery's <c>Queues._set_max_priority</c>),
/// and the binding.
/// </summary>
internal sealed class CeleryTopology
{
    private readonly CeleriacOptions _options;

    /// <summary>Topology for the app's <paramref name="options"/>.</summary>
    public CeleryTopology(CeleriacOptions options) => _options = options;

    /// <summary>The settings of <paramref name="queue"/>: its <c>task_queues</c> entry, or Celery's default for the name.</summary>
    public TaskQueue QueueFor(string queue) =>
        _options.TaskQueues.FirstOrDefault(q => string.Equals(q.Name, queue, StringComparison.Ordinal)) ?? new TaskQueue(queue);

    /// <summary>The arguments <paramref name="queue"/> is declared with; null when none (as kombu sends none).</summary>
    public Dictionary<string, object?>? ArgumentsFor(TaskQueue queue)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in queue.Arguments) arguments[key] = value;
        // task_default_queue_type (Celery 5.5): a queue's own x-queue-type wins; classic is sent as nothing, as Celery 5.2 sends.
        if (!arguments.ContainsKey("x-queue-type") && string.Equals(_options.TaskDefaultQueueType, "quorum", StringComparison.OrdinalIgnoreCase))
            arguments["x-queue-type"] = "quorum";
        var quorum = arguments.TryGetValue("x-queue-type", out var type) && string.Equals(type?.ToString(), "quorum", StringComparison.OrdinalIgnoreCase);
        // RabbitMQ 3.10 refuses x-max-priority on a quorum queue (406 invalid arg): priorities are left off there.
        if (_options.TaskQueueMaxPriority is { } max && !arguments.ContainsKey("x-max-priority") && !quorum) arguments["x-max-priority"] = max;
        return arguments.Count == 0 ? null : arguments;
    }

    /// <summary>Declares the exchange, the queue and the binding of <paramref name="queue"/>.</summary>
    public async Task DeclareAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        var settings = QueueFor(queue);
        await channel.ExchangeDeclareAsync(settings.ExchangeName, settings.ExchangeType, durable: true, autoDelete: false,
            arguments: null, passive: false, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(settings.Name, durable: true, exclusive: false, autoDelete: false,
            arguments: ArgumentsFor(settings), passive: false, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(settings.Name, settings.ExchangeName, settings.BindingKey, arguments: null,
            noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Where a task for <paramref name="route"/> goes: Celery publishes a task for a queue of a direct
    /// exchange to the default exchange with the queue's name as key, and one for a queue of another
    /// exchange type to that exchange with the queue's key (docs/protocol.md §3.3).
    /// </summary>
    public Protocol.Messages.DeliveryInfo Resolve(Protocol.Messages.DeliveryInfo route)
    {
        if (route.Exchange.Length != 0) return route;
        var settings = QueueFor(route.RoutingKey);
        return string.Equals(settings.ExchangeType, "direct", StringComparison.OrdinalIgnoreCase)
            ? route
            : new Protocol.Messages.DeliveryInfo(settings.ExchangeName, settings.BindingKey);
    }
}
