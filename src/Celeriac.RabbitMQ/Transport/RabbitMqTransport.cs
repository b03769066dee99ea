using System.Collections.Concurrent;
using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Delay;
using Celeriac.RabbitMQ.Wire;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// The <c>amqp://</c> / <c>amqps://</c> transport on RabbitMQ.Client, declaring what Celery 5.2.6
/// declares (docs/protocol.md §3) so Python and .NET peers share queues in one virtual host.
/// Publishes mandatory with publisher confirms on (a nack, a returned message, a timeout or a lost
/// connection is an exception, never silent loss), many in flight at once; consumes with
/// per-consumer prefetch that follows the worker's demand, resuming by itself after a loss.
/// </summary>
internal sealed partial class RabbitMqTransport : ITransport, IQueueDetails
{
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _channelLock = new(1, 1);
    private readonly SemaphoreSlim _publishLock = new(1, 1);
    private readonly SemaphoreSlim _window = new(AmqpConnection.PublishWindow, AmqpConnection.PublishWindow);
    private readonly ConcurrentDictionary<RabbitMqConsumer, byte> _consumers = new();
    private PublishConfirms? _confirms;
    private IChannel? _plainPublishChannel;
    private IChannel? _declareChannel;
    private int _disposed;

    /// <summary>A transport for the broker URL and options of <paramref name="context"/>; connects on first use.</summary>
    /// <exception cref="FormatException">The URL or a transport option is malformed.</exception>
    public RabbitMqTransport(ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Options = context.Options;
        TransportOptions = RabbitMqTransportOptions.From(context.Options.BrokerTransportOptions);
        _logger = context.LoggerFactory.CreateLogger("Celeriac.RabbitMQ.Transport");
        Connection = new AmqpConnection(AmqpSettings.Parse(context.Url.OriginalString), "celeriac", _logger, TransportOptions.ConnectionMaxRetries);
        Topology = new CeleryTopology(context.Options);
        Delay = new DelayServices(this, _logger);
    }

    /// <summary>consumer_timeout safety shared by the consumers: the delay topology, lease queues (docs/architecture.md, RabbitMQ).</summary>
    internal DelayServices Delay { get; }

    /// <summary>The app's options.</summary>
    internal CeleriacOptions Options { get; }

    /// <summary>The RabbitMQ keys of <c>broker_transport_options</c>.</summary>
    internal RabbitMqTransportOptions TransportOptions { get; }

    /// <summary>The shared connection.</summary>
    internal AmqpConnection Connection { get; }

    /// <summary>Celery's declarations.</summary>
    internal CeleryTopology Topology { get; }

    /// <inheritdoc />
    public ValueTask PublishAsync(BrokerMessage message, DeliveryInfo route, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var target = Topology.Resolve(route);
        // mandatory: a task that reaches no queue comes back and fails the publish, where kombu drops it silently.
        return PublishAsync(target.Exchange, target.RoutingKey, mandatory: true, AmqpMessages.Properties(message), message.Body, cancellationToken);
    }

    /// <summary>
    /// Publishes one message as given, confirmed unless <c>confirm_publish</c> is off: returns once the
    /// broker confirmed it. A channel found closed before anything was written is replaced and the
    /// publish tried once more (nothing was sent, so nothing can be duplicated).
    /// </summary>
    /// <exception cref="RabbitMqPublishException">Nacked, returned (mandatory), not confirmed in time, or the connection was lost.</exception>
    internal async ValueTask PublishAsync(string exchange, string routingKey, bool mandatory, BasicProperties properties, ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken)
    {
        if (!TransportOptions.ConfirmPublish)
        {
            for (var attempt = 1; ; attempt++)
            {
                var channel = await PlainPublishChannelAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await channel.BasicPublishAsync(exchange, routingKey, mandatory, properties, body, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (AlreadyClosedException) when (attempt == 1)
                {
                }
            }
        }
        await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (confirms, confirmed) = await StartConfirmedAsync(exchange, routingKey, mandatory, properties, body, cancellationToken).ConfigureAwait(false);
            try
            {
                await confirmed.WaitAsync(TransportOptions.ConfirmTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                confirms.Forget(confirmed);
                throw new RabbitMqPublishException($"RabbitMQ did not confirm a message for exchange '{exchange}' key '{routingKey}' within " +
                    $"{TransportOptions.ConfirmTimeout.TotalSeconds:0.###} s (confirm_timeout); it may or may not have been published.");
            }
            catch (OperationCanceledException)
            {
                confirms.Forget(confirmed);
                throw;
            }
        }
        finally
        {
            _window.Release();
        }
    }

    private async ValueTask<(PublishConfirms, Task)> StartConfirmedAsync(string exchange, string routingKey, bool mandatory, BasicProperties properties,
        ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        // One at a time: the sequence number read must be the one the publish gets.
        await _publishLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                if (_confirms is not { Channel.IsOpen: true })
                {
                    _confirms?.Channel.Dispose();
                    _confirms = null;
                    var (channel, _) = await Connection.CreateChannelAsync(publisherConfirms: true, cancellationToken).ConfigureAwait(false);
                    _confirms = new PublishConfirms(channel, _logger);
                }
                try
                {
                    return (_confirms, await _confirms.StartAsync(exchange, routingKey, mandatory, properties, body, cancellationToken).ConfigureAwait(false));
                }
                catch (AlreadyClosedException) when (attempt == 1)
                {
                    // Closed before the publish was written: open another channel and publish there.
                }
                catch (AlreadyClosedException e)
                {
                    throw new RabbitMqPublishException($"Publishing to '{routingKey}' failed: the connection to RabbitMQ is closed ({e.Message}).", e);
                }
            }
        }
        finally
        {
            _publishLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DeclareQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        await OnDeclareChannelAsync(channel => Topology.DeclareAsync(channel, queue, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<ITransportConsumer> ConsumeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (queues.Count == 0) throw new ArgumentException("A consumer needs at least one queue.", nameof(queues));
        await Delay.BindQuorumQueuesAsync(queues, cancellationToken).ConfigureAwait(false); // as Celery 5.5 does for quorum queues
        var consumer = new RabbitMqConsumer(Connection, Topology, queues, _logger, c => _consumers.TryRemove(c, out _)) { Guard = Delay.CreateGuard() };
        await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        _consumers.TryAdd(consumer, 0);
        return consumer;
    }

    /// <summary>
    /// Deletes the queue's waiting messages: those in the broker's queue and those this transport's
    /// consumers hold buffered and not taken by the worker (still waiting, as far as it knows).
    /// Delivered, unsettled messages are left alone.
    /// </summary>
    public async ValueTask<long> PurgeAsync(string queue, CancellationToken cancellationToken = default)
    {
        long purged;
        try
        {
            purged = await OnDeclareChannelAsync(async channel => (long)await channel.QueuePurgeAsync(queue, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0; // no such queue: nothing waits in it, as on the other brokers
        }
        foreach (var consumer in ConsumersOf(queue))
        {
            await consumer.CatchUpAsync(queue, countReady: false, cancellationToken).ConfigureAwait(false);
            purged += await consumer.PurgeWaitingAsync(queue, cancellationToken).ConfigureAwait(false);
        }
        return purged;
    }

    /// <summary>Messages waiting: ready in the broker's queue plus those this transport's consumers hold buffered and not taken.</summary>
    public async ValueTask<long> GetQueueDepthAsync(string queue, CancellationToken cancellationToken = default)
    {
        try
        {
            // Delivered after the ready count and not yet buffered would be missed: catch up with each
            // consumer, reading the count on a consumer's own channel, after its acks (RabbitMqConsumer.CatchUpAsync).
            long? ready = null;
            long waiting = 0;
            foreach (var consumer in ConsumersOf(queue))
            {
                var counted = await consumer.CatchUpAsync(queue, countReady: ready is null, cancellationToken).ConfigureAwait(false);
                ready ??= counted;
                waiting += consumer.WaitingCount(queue);
            }
            ready ??= (await OnDeclareChannelAsync(channel => channel.QueueDeclarePassiveAsync(queue, cancellationToken), cancellationToken).ConfigureAwait(false)).MessageCount;
            waiting += ready.Value;
            return waiting;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0; // no such queue: nothing waits in it, as on the other brokers (the 404 closed the channel; the next call opens another)
        }
    }

    private IEnumerable<RabbitMqConsumer> ConsumersOf(string queue) =>
        _consumers.Keys.Where(c => c.Queues.Contains(queue, StringComparer.Ordinal) || c.WaitingCount(queue) > 0).ToList();

    /// <summary>Closes the consumers (the broker restores what they hold), the channels and the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var consumer in _consumers.Keys) await consumer.DisposeAsync().ConfigureAwait(false);
        Delay.Dispose();
        await Connection.DisposeAsync().ConfigureAwait(false);
    }

    private ValueTask<IChannel> PlainPublishChannelAsync(CancellationToken cancellationToken) =>
        OpenChannelAsync(() => _plainPublishChannel, c =>
        {
            c.BasicReturnAsync += (_, e) =>
            {
                // confirm_publish is off: nobody waits for this publish any more, so a log is all there can be.
                _logger.LogError("A message for exchange '{Exchange}' key '{Key}' was returned unroutable ({Code} {Reason}) and is lost (confirm_publish is off)",
                    e.Exchange, e.RoutingKey, e.ReplyCode, e.ReplyText);
                return Task.CompletedTask;
            };
            _plainPublishChannel = c;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="operation"/> on the declare channel; a channel found closed (the
    /// connection was lost since its last use), or lost while the operation ran, is replaced and the
    /// operation run once more: declaring twice is harmless.
    /// </summary>
    private async Task<T> OnDeclareChannelAsync<T>(Func<IChannel, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var channel = await DeclareChannelAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await operation(channel).ConfigureAwait(false);
            }
            catch (OperationInterruptedException e) when (attempt == 1 && LostConnection.Caused(e))
            {
            }
        }
    }

    private Task OnDeclareChannelAsync(Func<IChannel, Task> operation, CancellationToken cancellationToken) =>
        OnDeclareChannelAsync(async channel =>
        {
            await operation(channel).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    // A declare that fails (406, 404) closes its channel: the next declare gets a fresh one.
    private ValueTask<IChannel> DeclareChannelAsync(CancellationToken cancellationToken) =>
        OpenChannelAsync(() => _declareChannel, c => _declareChannel = c, cancellationToken);

    private async ValueTask<IChannel> OpenChannelAsync(Func<IChannel?> get, Action<IChannel> set, CancellationToken cancellationToken)
    {
        if (get() is { IsOpen: true } open) return open;
        await _channelLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (get() is { IsOpen: true } again) return again;
            get()?.Dispose();
            var (channel, _) = await Connection.CreateChannelAsync(publisherConfirms: false, cancellationToken).ConfigureAwait(false);
            set(channel);
            return channel;
        }
        finally
        {
            _channelLock.Release();
        }
    }
}
