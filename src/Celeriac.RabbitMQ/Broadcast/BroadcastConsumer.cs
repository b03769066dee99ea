using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Broadcast;

/// <summary>
/// The library-facing side of an <see cref="AmqpBroadcastSubscription"/>: hands each delivery over and
/// tells it when the broker (not we) cancelled the consumer — the queue was deleted under it.
/// </summary>
internal sealed class BroadcastConsumer(IChannel channel, AmqpBroadcastSubscription owner) : AsyncDefaultBasicConsumer(channel)
{
    /// <inheritdoc />
    public override Task HandleBasicDeliverAsync(string consumerTag, ulong deliveryTag, bool redelivered, string exchange, string routingKey,
        IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        owner.OnDelivery(routingKey, properties, body);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task HandleBasicCancelAsync(string consumerTag, CancellationToken cancellationToken = default)
    {
        await base.HandleBasicCancelAsync(consumerTag, cancellationToken).ConfigureAwait(false);
        owner.OnCancelledByBroker(Channel);
    }
}
