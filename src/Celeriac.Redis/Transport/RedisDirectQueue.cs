using Celeriac.Protocol.Messages;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Transport;

/// <summary>
/// A control client's reply queue on Redis, as kombu's pidbox client keeps it (docs/protocol.md §2.7): a
/// binding member in <c>_kombu.binding.&lt;exchange&gt;</c> that routes the client's oid to the list
/// <c>&lt;oid&gt;.reply.celery.pidbox</c>, popped with BRPOP on a connection of its own and without
/// ack bookkeeping (replies are not redelivered). Disposing removes the member and the lists,
/// so replies that arrive after the client has gone are dropped by the router instead of piling up.
/// </summary>
internal sealed class RedisDirectQueue(RedisClient redis, RedisLayout layout, string exchange, string bindingMember, string queue, ILogger logger)
    : IBroadcastSubscription
{
    private readonly BlockingPop _pop = new(redis, logger);
    private readonly IReadOnlyList<string> _keys = layout.ConsumeKeys([queue]);
    private readonly SemaphoreSlim _receiving = new(1, 1);
    private int _disposed;

    public async ValueTask<BroadcastMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _receiving.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        try
        {
            while (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
            {
                var popped = await _pop.PopAsync(_keys, cancellationToken).ConfigureAwait(false);
                if (popped is not { } item) continue;
                try
                {
                    var envelope = KombuEnvelope.Decode(item.Value);
                    return new BroadcastMessage(exchange, envelope.DeliveryInfo.RoutingKey, envelope.Message);
                }
                catch (InvalidMessageException ex)
                {
                    return new BroadcastMessage(exchange, "", null, ex);
                }
            }
            return null;
        }
        catch (Exception ex) when (ex is ObjectDisposedException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }
        finally
        {
            _receiving.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            // kombu's pidbox deletes its reply queue the same way: unbind, then drop every priority list.
            var commands = new List<RedisCommand> { new("SREM", layout.BindingKey(exchange), bindingMember) };
            commands.AddRange(layout.QueueKeys(queue).Distinct().Select(k => new RedisCommand("DEL", k)));
            await redis.ExecuteBatchAsync(commands).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogDebug("Could not remove the reply queue {Queue}: {Reason}", queue, ex.Message);
        }
        finally
        {
            // Waits for a pop in flight to return (at most BRPOP's one-second timeout).
            await _receiving.WaitAsync().ConfigureAwait(false);
            await _pop.DisposeAsync().ConfigureAwait(false);
            _receiving.Release();
        }
    }
}
