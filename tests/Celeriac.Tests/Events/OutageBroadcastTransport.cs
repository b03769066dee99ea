using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Tests.Events;

/// <summary>
/// An in-memory transport whose event publishes hang until cancelled while <see cref="Down"/> is set,
/// as against a broker that has gone silent (the worst case: no error, no answer). Task traffic is untouched.
/// </summary>
internal sealed class OutageBroadcastTransport(ITransport inner) : ITransport, IBroadcast
{
    private readonly IBroadcast _broadcast = (IBroadcast)inner;
    private int _attempts;

    public volatile bool Down;

    /// <summary>Event publishes tried while down.</summary>
    public int FailedAttempts => Volatile.Read(ref _attempts);

    public async ValueTask PublishAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            Interlocked.Increment(ref _attempts);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        await _broadcast.PublishAsync(exchange, routingKey, message, cancellationToken);
    }

    public ValueTask<IBroadcastSubscription> SubscribeAsync(string exchange, string bindingKey, string queue, CancellationToken cancellationToken = default) =>
        _broadcast.SubscribeAsync(exchange, bindingKey, queue, cancellationToken);

    public ValueTask SendDirectAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default) =>
        _broadcast.SendDirectAsync(exchange, routingKey, message, cancellationToken);

    public ValueTask<IBroadcastSubscription> OpenDirectQueueAsync(string exchange, string routingKey, string queue, CancellationToken cancellationToken = default) =>
        _broadcast.OpenDirectQueueAsync(exchange, routingKey, queue, cancellationToken);

    public ValueTask DeclareQueueAsync(string queue, CancellationToken cancellationToken = default) => inner.DeclareQueueAsync(queue, cancellationToken);

    public ValueTask PublishAsync(BrokerMessage message, DeliveryInfo route, CancellationToken cancellationToken = default) =>
        inner.PublishAsync(message, route, cancellationToken);

    public ValueTask<ITransportConsumer> ConsumeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default) =>
        inner.ConsumeAsync(queues, cancellationToken);

    public ValueTask<long> PurgeAsync(string queue, CancellationToken cancellationToken = default) => inner.PurgeAsync(queue, cancellationToken);

    public ValueTask<long> GetQueueDepthAsync(string queue, CancellationToken cancellationToken = default) => inner.GetQueueDepthAsync(queue, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
