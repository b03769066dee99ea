using System.Threading.Channels;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Transport;

/// <summary>
/// A fanout subscription on Redis (docs/protocol.md §2.6): its own pub/sub connection with PSUBSCRIBE on the
/// exchange's channels, and the binding member kombu writes for the queue. Payloads are whole
/// kombu envelopes; one that cannot be read arrives as a message with
/// <see cref="BroadcastMessage.Malformed"/> set. Disposing unsubscribes and removes the binding.
/// </summary>
internal sealed class RedisBroadcastSubscription(RedisClient redis, RedisSubscriber subscriber, RedisLayout layout, string exchange,
    string bindingMember, IReadOnlyList<string> patterns, ILogger logger) : IBroadcastSubscription
{
    private int _disposed;

    public async ValueTask<BroadcastMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var message = await subscriber.Messages.ReadAsync(cancellationToken).ConfigureAwait(false);
                // kombu takes the text after "/<db>.<exchange>/" as the routing key.
                if (layout.RoutingKeyOfChannel(exchange, message.Channel) is not { } routingKey) continue;
                try
                {
                    var envelope = KombuEnvelope.Decode(message.Payload.Span);
                    return new BroadcastMessage(exchange, routingKey, envelope.Message);
                }
                catch (InvalidMessageException ex)
                {
                    return new BroadcastMessage(exchange, routingKey, null, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            await subscriber.PatternUnsubscribeAsync([.. patterns]).ConfigureAwait(false);
            await redis.ExecuteAsync(new RedisCommand("SREM", layout.BindingKey(exchange), bindingMember)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // A stale member is harmless; kombu leaves them behind after crashes too (docs/protocol.md §2.5).
            logger.LogDebug("Could not remove the binding of {Exchange}: {Reason}", exchange, ex.Message);
        }
        finally
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
        }
    }
}
