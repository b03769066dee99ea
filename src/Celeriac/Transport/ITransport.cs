using Celeriac.Protocol.Messages;

namespace Celeriac.Transport;

/// <summary>
/// A message broker as the worker and the client see it. Implementations: <c>memory://</c> here,
/// Redis and RabbitMQ in their own packages. Optional abilities are separate interfaces.
/// </summary>
internal interface ITransport : IAsyncDisposable
{
    /// <summary>Publishes one message to <paramref name="route"/> (exchange <c>""</c> + queue name for plain tasks).</summary>
    ValueTask PublishAsync(BrokerMessage message, DeliveryInfo route, CancellationToken cancellationToken = default);

    /// <summary>Declares a queue (and its same-named direct exchange and binding, as Celery does). Idempotent.</summary>
    ValueTask DeclareQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Opens a consumer on <paramref name="queues"/>; it only receives what it asks for.</summary>
    ValueTask<ITransportConsumer> ConsumeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default);

    /// <summary>Deletes every waiting message of a queue and returns how many there were.</summary>
    ValueTask<long> PurgeAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Number of messages waiting in a queue (not counting delivered, unsettled ones).</summary>
    ValueTask<long> GetQueueDepthAsync(string queue, CancellationToken cancellationToken = default);
}
