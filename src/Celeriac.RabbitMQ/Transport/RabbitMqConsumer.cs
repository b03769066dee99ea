using System.Globalization;
using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Wire;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// A pull consumer over AMQP's push (docs/architecture.md, RabbitMQ): one channel, one
/// <c>basic.consume</c> per queue with per-consumer prefetch (never global QoS, which RabbitMQ 4.x
/// refuses), deliveries buffered until the worker asks for them with its own credit. What the broker
/// pushed and the worker has not taken is still waiting from the worker's point of view: depth counts
/// it, a purge deletes it, a restore puts a delivery back at the front of that buffer. The prefetch
/// follows the worker's demand, so deliveries parked for an ETA never starve it. A lost channel is
/// resumed by itself (<see cref="ResumeAsync"/>), and a consumer the broker cancelled is consumed again.
/// </summary>
internal sealed partial class RabbitMqConsumer : ITransportConsumer, IQueueSetConsumer
{
    private readonly AmqpConnection _connection;
    private readonly CeleryTopology _topology;
    private readonly ILogger _logger;
    private readonly Action<RabbitMqConsumer> _closed;
    private readonly object _lock = new();
    private readonly DeliveryBuffer _buffer = new();
    private readonly List<string> _queues;
    private readonly Dictionary<string, ConsumerSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private ConsumerLink? _link;
    private ushort _prefetch;
    private ushort _basePrefetch;
    private long _stale;
    private bool _disposed;

    /// <summary>A consumer of <paramref name="queues"/>; <see cref="StartAsync"/> opens it.</summary>
    public RabbitMqConsumer(AmqpConnection connection, CeleryTopology topology, IReadOnlyList<string> queues, ILogger logger, Action<RabbitMqConsumer> closed)
    {
        _connection = connection;
        _topology = topology;
        _queues = queues.Distinct(StringComparer.Ordinal).ToList();
        _logger = logger;
        _closed = closed;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Queues
    {
        get { lock (_lock) return _queues.ToList(); }
    }

    /// <summary>The per-consumer prefetch new subscriptions get; 0 until the first receive says what the worker wants.</summary>
    public ushort Prefetch
    {
        get { lock (_lock) return _prefetch; }
    }

    /// <summary>Deliveries of a lost channel the worker settled: not settled on the broker, which redelivers them.</summary>
    public long StaleSettlements => Interlocked.Read(ref _stale);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TransportDelivery>> ReceiveAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        while (true)
        {
            Task arrived;
            bool starving;
            lock (_lock)
            {
                if (_disposed) return [];
                if (_buffer.Count > 0) return _buffer.Take(maxCount);
                arrived = _buffer.WaitAsync();
                starving = _link is { } link && link.IsLive
                    && (_prefetch == 0 || _subscriptions.Count < _queues.Count || _subscriptions.Values.Any(s => s.Starves(maxCount) || s.Oversized(maxCount, _basePrefetch)));
            }
            try
            {
                if (starving) await EnsureCreditAsync(maxCount, cancellationToken).ConfigureAwait(false);
                await arrived.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> AddQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        await _ops.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConsumerLink? link;
            ushort prefetch;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_queues.Contains(queue, StringComparer.Ordinal)) return false;
                _queues.Add(queue);
                (link, prefetch) = (_link, _prefetch);
            }
            // Not subscribed yet (no receive so far) or resuming: the subscription comes with the others.
            if (link is { IsLive: true } && prefetch != 0) await SubscribeAsync(link, queue, prefetch, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Consuming {Queue} as well", queue);
            return true;
        }
        finally
        {
            _ops.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> CancelQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        await _ops.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConsumerSubscription? subscription;
            lock (_lock)
            {
                if (!_queues.Remove(queue)) return false;
                if (_subscriptions.Remove(queue, out subscription)) subscription.CancelledByUs = true;
            }
            // After cancel-ok nothing more comes from the queue; a delivery already on its way is given back on arrival.
            if (subscription is { Link.IsLive: true }) await CancelSubscriptionAsync(subscription, cancellationToken).ConfigureAwait(false);
            List<TransportDelivery> buffered;
            lock (_lock) buffered = _buffer.TakeAll(queue);
            foreach (var delivery in buffered)
                if (delivery.TryMarkSettled()) await SettleOnBrokerAsync((RabbitMqDeliveryState)delivery.State!, SettleAction.Restore, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Stopped consuming {Queue}", queue);
            return true;
        }
        finally
        {
            _ops.Release();
        }
    }

    /// <summary>Deliveries of <paramref name="queue"/> buffered and not taken: still waiting, as far as the worker knows.</summary>
    public int WaitingCount(string queue)
    {
        lock (_lock) return _buffer.CountOf(queue);
    }

    /// <summary>A purge of <paramref name="queue"/>: deletes (acks) what this consumer holds of it untaken; returns how many.</summary>
    public async ValueTask<int> PurgeWaitingAsync(string queue, CancellationToken cancellationToken)
    {
        List<TransportDelivery> waiting;
        lock (_lock) waiting = _buffer.TakeAll(queue);
        foreach (var delivery in waiting)
            if (delivery.TryMarkSettled()) await SettleOnBrokerAsync((RabbitMqDeliveryState)delivery.State!, SettleAction.Ack, cancellationToken).ConfigureAwait(false);
        return waiting.Count;
    }

    /// <summary>Closes the channel: the broker puts back everything delivered and not settled, in its order.</summary>
    public async ValueTask DisposeAsync()
    {
        ConsumerLink? link;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            link = _link;
            _link = null;
            _buffer.Complete();
        }
        await _closing.CancelAsync().ConfigureAwait(false);
        _closed(this);
        if (link is not null) await RetireAsync(link).ConfigureAwait(false);
        if (StaleSettlements > 0)
            _logger.LogInformation("{Count} deliveries of lost channels were settled by the worker after the loss; the broker redelivered them", StaleSettlements);
    }

    /// <summary>
    /// A delivery arrived: built here (the one place a <see cref="TransportDelivery"/> is made from AMQP)
    /// and buffered, or given back when its queue is no longer consumed.
    /// </summary>
    internal async Task OnDeliveryAsync(ConsumerSubscription subscription, ulong deliveryTag, bool redelivered, string exchange, string routingKey,
        IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var delivery = BuildDelivery(subscription, deliveryTag, redelivered, exchange, routingKey, properties, body);
        bool kept;
        lock (_lock)
        {
            kept = !_disposed && ReferenceEquals(_link, subscription.Link) && _queues.Contains(subscription.Queue, StringComparer.Ordinal);
            subscription.Delivered();
            subscription.Link.Outstanding.Add(deliveryTag);
            if (kept) _buffer.Add(delivery);
        }
        if (!kept && !_closing.IsCancellationRequested && subscription.Link.IsLive)
        {
            delivery.TryMarkSettled();
            await SettleOnBrokerAsync((RabbitMqDeliveryState)delivery.State!, SettleAction.Restore, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static TransportDelivery BuildDelivery(ConsumerSubscription subscription, ulong deliveryTag, bool redelivered, string exchange, string routingKey,
        IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var state = new RabbitMqDeliveryState(subscription, deliveryTag);
        var tag = deliveryTag.ToString(CultureInfo.InvariantCulture);
        try
        {
            var message = AmqpMessages.Read(properties, body);
            return new TransportDelivery(message, subscription.Queue, new DeliveryInfo(exchange, routingKey), tag, redelivered, state);
        }
        catch (InvalidMessageException malformed)
        {
            return new TransportDelivery(malformed, subscription.Queue, tag, state);
        }
    }
}
