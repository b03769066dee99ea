using Celeriac.Protocol.Messages;
using Celeriac.Redis.Resp;
using Celeriac.Transport;

namespace Celeriac.Redis.Transport;

/// <content>Fanout (docs/protocol.md §2.6–2.7): PUBLISH to <c>/&lt;db&gt;.exchange/routing_key</c>, PSUBSCRIBE plus the binding member.</content>
internal sealed partial class RedisTransport
{
    /// <inheritdoc />
    public async ValueTask PublishAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var envelope = KombuEnvelope.Encode(message, new DeliveryInfo(exchange, routingKey));
        await _redis.ExecuteAsync(new RedisCommand("PUBLISH", Layout.FanoutChannel(exchange, routingKey), envelope), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IBroadcastSubscription> SubscribeAsync(string exchange, string bindingKey, string queue, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // Binding a queue to it is how kombu learns an exchange is fanout; remember it for publishes.
        _router.Declare(exchange, ExchangeKind.Fanout);
        var member = Layout.BindingMember(bindingKey, "", queue);
        await _redis.ExecuteAsync(new RedisCommand("SADD", Layout.BindingKey(exchange), member), cancellationToken).ConfigureAwait(false);
        var subscriber = await _redis.OpenSubscriberAsync(cancellationToken).ConfigureAwait(false);
        var patterns = Layout.FanoutPatterns(exchange, bindingKey);
        try
        {
            await subscriber.PatternSubscribeAsync([.. patterns], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new RedisBroadcastSubscription(_redis, subscriber, Layout, exchange, member, patterns, _logger);
    }

    /// <inheritdoc />
    public ValueTask SendDirectAsync(string exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken = default) =>
        PublishAsync(message, new DeliveryInfo(exchange, routingKey), cancellationToken); // LPUSH to each bound queue (docs/protocol.md §2.7)

    /// <inheritdoc />
    public async ValueTask<IBroadcastSubscription> OpenDirectQueueAsync(string exchange, string routingKey, string queue, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // queue_bind on a direct exchange: the member routes exactly routingKey to the list (docs/protocol.md §2.7).
        var member = Layout.BindingMember(routingKey, "", queue);
        await _redis.ExecuteAsync(new RedisCommand("SADD", Layout.BindingKey(exchange), member), cancellationToken).ConfigureAwait(false);
        _router.Invalidate(exchange);
        return new RedisDirectQueue(_redis, Layout, exchange, member, queue, _logger);
    }
}
