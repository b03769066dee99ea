using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// The library-facing side of one <see cref="ConsumerSubscription"/>: hands each delivery to the
/// consumer and tells it when the broker (not we) cancelled the subscription — a deleted queue, a
/// failed-over queue leader — so it can consume the queue again.
/// </summary>
internal sealed class SubscriptionConsumer(IChannel channel, ConsumerSubscription subscription, RabbitMqConsumer owner)
    : AsyncDefaultBasicConsumer(channel)
{
    /// <inheritdoc />
    public override Task HandleBasicDeliverAsync(string consumerTag, ulong deliveryTag, bool redelivered, string exchange, string routingKey,
        IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default) =>
        owner.OnDeliveryAsync(subscription, deliveryTag, redelivered, exchange, routingKey, properties, body);

    /// <inheritdoc />
    public override async Task HandleBasicCancelAsync(string consumerTag, CancellationToken cancellationToken = default)
    {
        await base.HandleBasicCancelAsync(consumerTag, cancellationToken).ConfigureAwait(false);
        owner.OnCancelledByBroker(subscription);
    }
}
