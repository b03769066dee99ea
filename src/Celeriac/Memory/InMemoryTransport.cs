using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Memory;

/// <summary>The <c>memory://</c> transport: a view of an <see cref="InMemoryBroker"/>, with fanout for events and remote control.</summary>
internal sealed class InMemoryTransport : ITransport, IBroadcast, Revocation.IRevokeStore
{
    internal InMemoryTransport(InMemoryBroker broker) => Broker = broker;

    /// <summary>The broker this transport talks to.</summary>
    public InMemoryBroker Broker { get; }

    /// <inheritdoc />
    public ValueTask PublishAsync(BrokerMessage message, DeliveryInfo route, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Copy headers and properties: publisher and consumer must not share mutable JSON, as
        // they would not across a real broker.
        var copy = new BrokerMessage((System.Text.Json.Nodes.JsonObject)message.Headers.DeepClone(), message.Properties.Clone(),
            message.Body.ToArray(), message.ContentType, message.ContentEncoding);
        var stored = new StoredMessage(copy, route, Guid.NewGuid().ToString());
        foreach (var queue in Broker.Route(route)) queue.Enqueue(stored, front: false);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A copy with its own headers and properties: publisher, broker and each receiver must not
    /// share mutable JSON, as they would not across a real broker. The body is read-only and shared.
    /// </summary>
    internal static BrokerMessage Copy(BrokerMessage message) =>
        new((System.Text.Json.Nodes.JsonObject)message.Headers.DeepClone(), message.Properties.Clone(),
            message.Body, message.ContentType, message.ContentEncoding);

    /// <inheritdoc />
    public ValueTask DeclareQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        Broker.Queue(queue);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ITransportConsumer> ConsumeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        if (queues.Count == 0) throw new ArgumentException("A consumer needs at least one queue.", nameof(queues));
        return ValueTask.FromResult<ITransportConsumer>(new InMemoryConsumer(Broker, queues.Select(Broker.Queue).ToArray()));
    }

    /// <inheritdoc />
    public ValueTask<long> PurgeAsync(string queue, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Broker.Queue(queue).Purge());

    /// <inheritdoc />
    public ValueTask<long> GetQueueDepthAsync(string queue, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult((long)Broker.Depth(queue));

    /// <inheritdoc />
    public ValueTask PublishAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Broker.Exchange(exchange).Publish(routingKey, message);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IBroadcastSubscription> SubscribeAsync(string exchange, string bindingKey, string queue, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IBroadcastSubscription>(Broker.Exchange(exchange).Subscribe(bindingKey, queue));
    }

    /// <inheritdoc />
    public ValueTask SendDirectAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default) =>
        PublishAsync(exchange, routingKey, message, cancellationToken); // a plain key matches only itself, as a direct binding does

    /// <inheritdoc />
    public ValueTask<IBroadcastSubscription> OpenDirectQueueAsync(string exchange, string routingKey, string queue, CancellationToken cancellationToken = default) =>
        SubscribeAsync(exchange, routingKey, queue, cancellationToken);

    /// <inheritdoc />
    public ValueTask RememberAsync(IReadOnlyCollection<string> taskIds, Revocation.RevokeRetention retention, CancellationToken cancellationToken = default) =>
        Broker.Revokes.RememberAsync(taskIds, retention, cancellationToken);

    /// <inheritdoc />
    public ValueTask<Revocation.RevokeStoreRead> ReadAsync(double? cursor, Revocation.RevokeRetention retention, CancellationToken cancellationToken = default) =>
        Broker.Revokes.ReadAsync(cursor, retention, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
