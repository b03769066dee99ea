using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Wire;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// The <c>amqp://</c> / <c>amqps://</c> transport on RabbitMQ.Client, declaring what Celery 5.2.6
/// declares (docs/protocol.md §3) so Python and .NET peers share queues in one virtual host.
/// Publishes with publisher confirms on (a nack, a returned message or a lost connection is an
/// exception, never silent loss), many in flight at once; consumes with per-consumer prefetch.
/// </summary>
internal sealed partial class RabbitMqTransport : ITransport
{
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _channelLock = new(1, 1);
    private IChannel? _publishChannel;
    private IChannel? _declareChannel;
    private int _disposed;

    /// <summary>A transport for the broker URL and options of <paramref name="context"/>; connects on first use.</summary>
    /// <exception cref="FormatException">The URL is malformed.</exception>
    public RabbitMqTransport(ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Options = context.Options;
        _logger = context.LoggerFactory.CreateLogger("Celeriac.RabbitMQ.Transport");
        Connection = new AmqpConnection(AmqpSettings.Parse(context.Url.OriginalString), "celeriac", _logger);
        Topology = new CeleryTopology(context.Options);
    }

    /// <summary>The app's options.</summary>
    internal CeleriacOptions Options { get; }

    /// <summary>The shared connection.</summary>
    internal AmqpConnection Connection { get; }

    /// <summary>Celery's declarations.</summary>
    internal CeleryTopology Topology { get; }

    /// <inheritdoc />
    public async ValueTask PublishAsync(BrokerMessage message, DeliveryInfo route, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var target = Topology.Resolve(route);
        var channel = await PublishChannelAsync(cancellationToken).ConfigureAwait(false);
        // mandatory: a task that reaches no queue comes back and fails the publish, where kombu drops it silently.
        await channel.BasicPublishAsync(target.Exchange, target.RoutingKey, mandatory: true, AmqpMessages.Properties(message), message.Body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DeclareQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var channel = await DeclareChannelAsync(cancellationToken).ConfigureAwait(false);
        await Topology.DeclareAsync(channel, queue, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<ITransportConsumer> ConsumeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (queues.Count == 0) throw new ArgumentException("A consumer needs at least one queue.", nameof(queues));
        var consumer = new RabbitMqConsumer(Connection, queues, Prefetch(), _logger);
        await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        return consumer;
    }

    /// <inheritdoc />
    public async ValueTask<long> PurgeAsync(string queue, CancellationToken cancellationToken = default)
    {
        var channel = await DeclareChannelAsync(cancellationToken).ConfigureAwait(false);
        return await channel.QueuePurgeAsync(queue, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long> GetQueueDepthAsync(string queue, CancellationToken cancellationToken = default)
    {
        var channel = await DeclareChannelAsync(cancellationToken).ConfigureAwait(false);
        var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
        return ok.MessageCount;
    }

    /// <summary>Closes the channels and the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await Connection.DisposeAsync().ConfigureAwait(false);
    }

    private ushort Prefetch()
    {
        // Celery's prefetch: concurrency × multiplier, 0 (unlimited) past what basic.qos can carry.
        long prefetch = (long)Options.WorkerConcurrency * Options.WorkerPrefetchMultiplier;
        return prefetch is > 0 and <= ushort.MaxValue ? (ushort)prefetch : (ushort)0;
    }

    private ValueTask<IChannel> PublishChannelAsync(CancellationToken cancellationToken) =>
        OpenChannelAsync(() => _publishChannel, c => _publishChannel = c, publisherConfirms: true, cancellationToken);

    // A declare that fails (406, 404) closes its channel: the next declare gets a fresh one.
    private ValueTask<IChannel> DeclareChannelAsync(CancellationToken cancellationToken) =>
        OpenChannelAsync(() => _declareChannel, c => _declareChannel = c, publisherConfirms: false, cancellationToken);

    private async ValueTask<IChannel> OpenChannelAsync(Func<IChannel?> get, Action<IChannel> set, bool publisherConfirms, CancellationToken cancellationToken)
    {
        if (get() is { IsOpen: true } open) return open;
        await _channelLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (get() is { IsOpen: true } again) return again;
            get()?.Dispose();
            var (channel, _) = await Connection.CreateChannelAsync(publisherConfirms, cancellationToken).ConfigureAwait(false);
            set(channel);
            return channel;
        }
        finally
        {
            _channelLock.Release();
        }
    }
}
