using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// Publishing into Celery 5.5's delay topology (<see cref="NativeDelayTopology"/>): declared on first
/// need (and again in each new connection, in case the broker lost it), each task queue bound to
/// <c>celery_delayed_delivery</c> before the first message for it goes in, so what comes out always
/// has somewhere to go. Publishes are mandatory and confirmed by the transport.
/// </summary>
internal sealed class DelayedDelivery(RabbitMqTransport transport, DelayChannel channel, DelayOptions options, ILogger logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _bound = new(StringComparer.Ordinal);
    private long _declaredIn = -1;

    /// <summary>Declares the topology when this connection has not yet, and binds <paramref name="queue"/> to its exit.</summary>
    public Task EnsureBoundAsync(string queue, CancellationToken cancellationToken)
    {
        // The usual case, without the channel's lock: declared in this connection, queue bound.
        if (Interlocked.Read(ref _declaredIn) == transport.Connection.Generation && _bound.ContainsKey(queue)) return Task.CompletedTask;
        return channel.RunAsync(async c =>
        {
            var generation = transport.Connection.Generation;
            if (Interlocked.Read(ref _declaredIn) != generation)
            {
                _bound.Clear();
                await NativeDelayTopology.DeclareAsync(c, options.QueueType, cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref _declaredIn, generation);
                logger.LogInformation("Declared Celery 5.5's delayed delivery topology ({Type} queues celery_delayed_0…27)", options.QueueType);
            }
            if (_bound.ContainsKey(queue)) return;
            await NativeDelayTopology.BindQueueAsync(c, queue, RoutingKeyOf(queue), cancellationToken).ConfigureAwait(false);
            _bound.TryAdd(queue, 0);
        }, cancellationToken);
    }

    /// <summary>The key a delayed message for <paramref name="queue"/> ends with: the queue's routing key (its name for Celery's default queues).</summary>
    public string RoutingKeyOf(string queue) => transport.Topology.QueueFor(queue).BindingKey;

    /// <summary>Publishes a message for <paramref name="queue"/> to come out of the topology after <paramref name="seconds"/> whole seconds.</summary>
    /// <exception cref="RabbitMqPublishException">Not confirmed, returned or nacked.</exception>
    public async Task PublishAsync(string queue, long seconds, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        await EnsureBoundAsync(queue, cancellationToken).ConfigureAwait(false);
        var routingKey = DelayRoutingKey.For(seconds, RoutingKeyOf(queue));
        await transport.PublishAsync(NativeDelayTopology.EntryExchange, routingKey, mandatory: true, properties, body, cancellationToken).ConfigureAwait(false);
    }
}
