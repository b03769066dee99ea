namespace Celeriac.RabbitMQ;

/// <summary>
/// A publish RabbitMQ returned: no queue is bound for its exchange and routing key (it is published
/// mandatory, where kombu would let the broker drop it silently). Declare the queue first.
/// </summary>
public sealed class RabbitMqUnroutableException : RabbitMqPublishException
{
    /// <summary>The message for <paramref name="exchange"/>/<paramref name="routingKey"/> came back with <paramref name="reason"/>.</summary>
    public RabbitMqUnroutableException(string exchange, string routingKey, string reason)
        : base($"No queue is bound for exchange '{exchange}' routing key '{routingKey}' ({reason}); the message was not published. Declare the queue first.")
    {
        Exchange = exchange;
        RoutingKey = routingKey;
    }

    /// <summary>The exchange published to (empty: the default exchange).</summary>
    public string Exchange { get; }

    /// <summary>The routing key published with.</summary>
    public string RoutingKey { get; }
}
