using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Broadcast;
using Celeriac.Transport;

namespace Celeriac.RabbitMQ.Transport;

/// <content>
/// Events and remote control over AMQP (docs/protocol.md §3.6–3.7): fanout publishes to <c>celeryev</c> (topic) and
/// <c>celery.pidbox</c> (fanout), replies to <c>reply.celery.pidbox</c> (direct), each subscription
/// and reply queue on a channel of its own, all declared as Celery 5.2.6 declares them
/// (<see cref="BroadcastTopology"/>). Publishes are neither mandatory nor confirmed (see <see cref="BroadcastPublisher"/>).
/// </content>
internal sealed partial class RabbitMqTransport : IBroadcast
{
    private BroadcastPublisher? _broadcastPublisher;

    private BroadcastPublisher Broadcasts => LazyInitializer.EnsureInitialized(ref _broadcastPublisher, () => new BroadcastPublisher(Connection));

    /// <inheritdoc />
    public ValueTask PublishAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Broadcasts.PublishAsync(BroadcastTopology.Fanout(exchange), routingKey, message, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IBroadcastSubscription> SubscribeAsync(string exchange, string bindingKey, string queue, CancellationToken cancellationToken = default) =>
        OpenSubscriptionAsync(BroadcastTopology.Fanout(exchange), bindingKey, queue, cancellationToken);

    /// <inheritdoc />
    public ValueTask SendDirectAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // Declared first, as kombu's _publish_reply does before every reply; unroutable = the client has gone, dropped.
        return Broadcasts.PublishAsync(BroadcastTopology.Direct(exchange), routingKey, message, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IBroadcastSubscription> OpenDirectQueueAsync(string exchange, string routingKey, string queue, CancellationToken cancellationToken = default) =>
        OpenSubscriptionAsync(BroadcastTopology.Direct(exchange), routingKey, queue, cancellationToken);

    private async ValueTask<IBroadcastSubscription> OpenSubscriptionAsync(BroadcastExchange exchange, string bindingKey, string queue, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var subscription = new AmqpBroadcastSubscription(Connection, exchange, bindingKey, queue, _logger);
        try
        {
            await subscription.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A refused declaration (406) is the caller's error to see, not something to retry in the background.
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return subscription;
    }
}
