using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Wire;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Celeriac.RabbitMQ.Broadcast;

/// <summary>
/// Publishes events, control requests and control replies (docs/protocol.md §3.6–3.7) on a channel of its
/// own, declaring each exchange first as Celery does (once per channel: the exchanges are never
/// auto-deleted, and a broker restart means a new connection and so a new channel).
/// <para>
/// Not mandatory and not confirmed, as in Celery: these messages are transient (delivery mode 1
/// for events and replies), routed to auto-delete queues with a TTL, and dropped by design when no
/// monitor, worker or client listens — a confirm could not tell "delivered" from "dropped for want
/// of a queue", and waiting a round trip for each would slow every task's events. A publish on a
/// lost connection still throws, so the event dispatcher holds its events and retries. Keeping them off the
/// transport's confirmed task channel also keeps them out of its confirm window.
/// </para>
/// </summary>
internal sealed class BroadcastPublisher(AmqpConnection connection)
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private volatile PublishChannel? _current;

    /// <summary>Declares <paramref name="exchange"/> (first time on this channel) and publishes <paramref name="message"/> to it.</summary>
    /// <exception cref="AlreadyClosedException">The connection was lost (after one retry on a fresh channel).</exception>
    /// <exception cref="OperationInterruptedException">The broker refused the exchange declaration (e.g. 406: declared otherwise).</exception>
    public async ValueTask PublishAsync(BroadcastExchange exchange, string routingKey, BrokerMessage message, CancellationToken cancellationToken)
    {
        var properties = AmqpMessages.Properties(message);
        for (var attempt = 1; ; attempt++)
        {
            var current = await ChannelAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!current.Declared.ContainsKey(exchange.Name))
                {
                    await current.Channel.ExchangeDeclareAsync(exchange.Name, exchange.Type, exchange.Durable, autoDelete: false,
                        arguments: null, passive: false, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
                    current.Declared.TryAdd(exchange.Name, 0);
                }
                await current.Channel.BasicPublishAsync(exchange.Name, routingKey, mandatory: false, properties, message.Body, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (AlreadyClosedException) when (attempt == 1)
            {
                // The channel (or its connection) was found closed before anything was written: a fresh one, once.
            }
        }
    }

    private async ValueTask<PublishChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_current is { Channel.IsOpen: true } open) return open;
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { Channel.IsOpen: true } again) return again;
            _current?.Channel.Dispose();
            var (channel, _) = await connection.CreateChannelAsync(publisherConfirms: false, cancellationToken).ConfigureAwait(false);
            var fresh = new PublishChannel(channel);
            _current = fresh;
            return fresh;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>A channel and the exchanges declared on it (a failed declare closes the channel, and the set goes with it).</summary>
    private sealed record PublishChannel(IChannel Channel)
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, byte> Declared { get; } = new(StringComparer.Ordinal);
    }
}
