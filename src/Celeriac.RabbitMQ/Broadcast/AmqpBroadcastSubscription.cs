using System.Threading.Channels;
using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Wire;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Broadcast;

/// <summary>
/// An event receiver's queue, a worker's mailbox or a control client's reply queue on RabbitMQ
/// (docs/protocol.md §3.1, §3.6–3.7): on a channel of its own it declares the exchange, the queue (not durable,
/// auto-delete, Celery's TTL and expiry arguments) and the binding, and consumes without acks, as
/// Celery does. Messages wait in a bounded buffer until <see cref="ReceiveAsync"/> takes them.
/// <para>
/// It survives a lost connection, a closed channel or a consumer the broker cancelled: it declares
/// and consumes again on a new channel, retrying with a growing pause until the broker is back.
/// What was published meanwhile is gone (the auto-delete queue went with its consumer), as in
/// Celery; callers see no end of the subscription, only a gap. Disposing deletes the queue, and
/// with it the binding.
/// </para>
/// </summary>
internal sealed partial class AmqpBroadcastSubscription : IBroadcastSubscription
{
    /// <summary>Messages held for a reader that does not keep up; the oldest are dropped beyond it (they are transient anyway).</summary>
    internal const int BufferCapacity = 65_536;

    private readonly AmqpConnection _connection;
    private readonly BroadcastExchange _exchange;
    private readonly string _bindingKey;
    private readonly string _queue;
    private readonly Dictionary<string, object?> _arguments;
    private readonly ILogger _logger;
    private readonly Channel<BroadcastMessage> _messages;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private IChannel? _channel;
    private Task _resuming = Task.CompletedTask;
    private int _resumeScheduled;
    private long _dropped;
    private int _disposed;

    /// <summary>A subscription of <paramref name="queue"/> to <paramref name="exchange"/>; <see cref="OpenAsync"/> starts it.</summary>
    public AmqpBroadcastSubscription(AmqpConnection connection, BroadcastExchange exchange, string bindingKey, string queue, ILogger logger)
    {
        _connection = connection;
        _exchange = exchange;
        _bindingKey = BroadcastTopology.BindingKey(exchange, bindingKey);
        _queue = queue;
        _arguments = BroadcastTopology.QueueArguments(exchange);
        _logger = logger;
        _messages = Channel.CreateBounded<BroadcastMessage>(
            new BoundedChannelOptions(BufferCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            _ => OnDropped());
    }

    /// <summary>The queue's name.</summary>
    public string Queue => _queue;

    /// <summary>The binding key the queue is bound with on the broker.</summary>
    public string BindingKey => _bindingKey;

    /// <summary>Declares, binds and starts consuming; the binding is in place when this returns.</summary>
    /// <exception cref="global::RabbitMQ.Client.Exceptions.OperationInterruptedException">The broker refused a declaration (e.g. 406).</exception>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await AttachAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<BroadcastMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _messages.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_messages.Reader.TryRead(out var message)) return message;
            }
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Stops consuming and deletes the queue (which removes its binding).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _disposing.CancelAsync().ConfigureAwait(false);
        _messages.Writer.TryComplete();
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_channel is { IsOpen: true } channel)
            {
                try
                {
                    // Deleting cancels our consumer too; kombu leaves it to auto-delete, which happens at the same moment.
                    await channel.QueueDeleteAsync(_queue, ifUnused: false, ifEmpty: false).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _logger.LogDebug("Could not delete the queue {Queue}: {Reason}", _queue, e.Message);
                }
            }
            await CloseQuietlyAsync(_channel).ConfigureAwait(false);
            _channel = null;
        }
        finally
        {
            _gate.Release();
        }
        // The token source is not disposed: a late shutdown callback may still read its token.
        await _resuming.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>A delivery (on the library's dispatch thread): read it, copying the body, and buffer it.</summary>
    internal void OnDelivery(string routingKey, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        BroadcastMessage message;
        try
        {
            message = new BroadcastMessage(_exchange.Name, routingKey, AmqpMessages.Read(properties, body));
        }
        catch (InvalidMessageException malformed)
        {
            message = new BroadcastMessage(_exchange.Name, routingKey, null, malformed);
        }
        _messages.Writer.TryWrite(message);
    }

    private void OnDropped()
    {
        var dropped = Interlocked.Increment(ref _dropped);
        if (dropped == 1 || dropped % 10_000 == 0)
            _logger.LogWarning("The reader of {Queue} does not keep up: {Dropped} messages dropped so far (oldest first)", _queue, dropped);
    }

    private async Task AttachAsync(CancellationToken cancellationToken)
    {
        var (channel, _) = await _connection.CreateChannelAsync(publisherConfirms: false, cancellationToken).ConfigureAwait(false);
        // Set before anything can close it, so a shutdown during the declarations is seen as this channel's.
        _channel = channel;
        channel.ChannelShutdownAsync += (_, e) => OnChannelShutdownAsync(channel, e);
        await channel.ExchangeDeclareAsync(_exchange.Name, _exchange.Type, _exchange.Durable, autoDelete: false,
            arguments: null, passive: false, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(_queue, durable: false, exclusive: false, autoDelete: true,
            arguments: _arguments, passive: false, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(_queue, _exchange.Name, _bindingKey, arguments: null, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.BasicConsumeAsync(_queue, autoAck: true, consumerTag: "", noLocal: false, exclusive: false,
            arguments: null, consumer: new BroadcastConsumer(channel, this), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task CloseQuietlyAsync(IChannel? channel)
    {
        if (channel is null) return;
        try
        {
            if (channel.IsOpen) await channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Closing a channel that is going away anyway.
        }
        channel.Dispose();
    }
}
