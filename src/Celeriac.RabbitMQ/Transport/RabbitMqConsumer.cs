using System.Globalization;
using System.Threading.Channels;
using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Wire;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// A pull consumer over AMQP's push: one channel, one <c>basic.consume</c> per queue with
/// per-consumer prefetch (never global QoS, which RabbitMQ 4.x refuses), deliveries buffered
/// until the worker asks for them with its own credit. Settling acks or rejects on the channel the
/// delivery came on; a delivery of a channel that is gone is not settled (the broker redelivers it).
/// </summary>
internal sealed class RabbitMqConsumer : ITransportConsumer
{
    private readonly AmqpConnection _connection;
    private readonly IReadOnlyList<string> _queues;
    private readonly ushort _prefetch;
    private readonly ILogger _logger;
    private readonly Channel<TransportDelivery> _buffer = Channel.CreateUnbounded<TransportDelivery>(new UnboundedChannelOptions { SingleReader = true });
    private IChannel? _channel;
    private long _generation;
    private int _disposed;

    /// <summary>A consumer of <paramref name="queues"/>; <see cref="StartAsync"/> opens it.</summary>
    public RabbitMqConsumer(AmqpConnection connection, IReadOnlyList<string> queues, ushort prefetch, ILogger logger)
    {
        _connection = connection;
        _queues = queues;
        _prefetch = prefetch;
        _logger = logger;
    }

    /// <summary>Opens the channel and starts consuming every queue.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (channel, generation) = await _connection.CreateChannelAsync(publisherConfirms: false, cancellationToken).ConfigureAwait(false);
        await channel.BasicQosAsync(0, _prefetch, global: false, cancellationToken).ConfigureAwait(false);
        foreach (var queue in _queues)
        {
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, e) => OnDeliveryAsync(channel, generation, queue, e);
            await channel.BasicConsumeAsync(queue, autoAck: false, consumerTag: "", noLocal: false, exclusive: false,
                arguments: null, consumer: consumer, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        _channel = channel;
        _generation = generation;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TransportDelivery>> ReceiveAsync(int maxCount, CancellationToken cancellationToken)
    {
        try
        {
            if (!await _buffer.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) return [];
        }
        catch (OperationCanceledException)
        {
            return [];
        }
        var batch = new List<TransportDelivery>(Math.Min(maxCount, 64));
        while (batch.Count < maxCount && _buffer.Reader.TryRead(out var delivery)) batch.Add(delivery);
        return batch;
    }

    /// <inheritdoc />
    public async ValueTask SettleAsync(IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken = default)
    {
        foreach (var (delivery, action) in settlements)
        {
            if (!delivery.TryMarkSettled()) continue;
            var state = (RabbitMqDeliveryState)delivery.State!;
            if (!state.Channel.IsOpen || state.Generation != _connection.Generation)
            {
                // Its channel is gone: the broker has put the message back already and redelivers it.
                _logger.LogDebug("Delivery {Tag} of a closed channel not settled ({Action}); the broker redelivers it", state.Tag, action);
                continue;
            }
            switch (action)
            {
                case SettleAction.Ack:
                    await state.Channel.BasicAckAsync(state.Tag, multiple: false, cancellationToken).ConfigureAwait(false);
                    break;
                case SettleAction.Reject:
                    await state.Channel.BasicRejectAsync(state.Tag, requeue: false, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    // Requeue and Restore: RabbitMQ puts a requeued message back where it was, as near the head as it can.
                    await state.Channel.BasicRejectAsync(state.Tag, requeue: true, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Closes the channel: the broker puts back everything delivered and not settled.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _buffer.Writer.TryComplete();
        if (_channel is { } channel)
        {
            try
            {
                if (channel.IsOpen) await channel.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogDebug(e, "Closing the consumer channel failed");
            }
            channel.Dispose();
        }
    }

    private Task OnDeliveryAsync(IChannel channel, long generation, string queue, BasicDeliverEventArgs e)
    {
        var state = new RabbitMqDeliveryState(channel, generation, e.DeliveryTag);
        var tag = e.DeliveryTag.ToString(CultureInfo.InvariantCulture);
        TransportDelivery delivery;
        try
        {
            var message = AmqpMessages.Read(e.BasicProperties, e.Body);
            delivery = new TransportDelivery(message, queue, new DeliveryInfo(e.Exchange, e.RoutingKey), tag, e.Redelivered, state);
        }
        catch (InvalidMessageException malformed)
        {
            delivery = new TransportDelivery(malformed, queue, tag, state);
        }
        _buffer.Writer.TryWrite(delivery);
        return Task.CompletedTask;
    }
}
