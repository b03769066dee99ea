using Celeriac.Protocol.Messages;

namespace Celeriac.Transport;

/// <summary>
/// Fanout publish/subscribe, for Celery's events (<c>celeryev</c>) and remote control
/// (<c>celery.pidbox</c>). No acks, no persistence: a subscriber gets what is published while it
/// listens. On Redis this is PUBLISH/PSUBSCRIBE plus the <c>_kombu.binding.*</c> sets (docs/protocol.md §2.6–2.7).
/// A transport that supports it implements this interface next to <see cref="ITransport"/>.
/// </summary>
internal interface IBroadcast
{
    /// <summary>Publishes to every subscriber of <paramref name="exchange"/> whose binding matches <paramref name="routingKey"/>.</summary>
    ValueTask PublishAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes a named queue to <paramref name="exchange"/> with a binding key (<c>""</c> for all,
    /// <c>#</c>/<c>*</c> wildcards as in AMQP topic keys), recording the binding where the broker
    /// keeps bindings. Disposing the subscription removes the binding.
    /// </summary>
    ValueTask<IBroadcastSubscription> SubscribeAsync(string exchange, string bindingKey, string queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends to the queues bound to the direct <paramref name="exchange"/> with exactly
    /// <paramref name="routingKey"/> (control replies to <c>reply.celery.pidbox</c>, docs/protocol.md §7.4);
    /// dropped when none is bound (the client has gone).
    /// </summary>
    ValueTask SendDirectAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a private queue bound to the direct <paramref name="exchange"/> with
    /// <paramref name="routingKey"/>, consumed without acks (a control client's reply queue
    /// <c>&lt;oid&gt;.reply.celery.pidbox</c>, docs/protocol.md §7.1). Disposing it removes the binding and the queue.
    /// </summary>
    ValueTask<IBroadcastSubscription> OpenDirectQueueAsync(string exchange, string routingKey, string queue, CancellationToken cancellationToken = default);
}
