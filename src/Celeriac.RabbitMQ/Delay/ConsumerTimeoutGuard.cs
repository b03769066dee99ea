using Celeriac.Protocol.Json;
using Celeriac.RabbitMQ.Transport;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using System.Text;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// The consumer's few hooks into consumer_timeout safety (docs/architecture.md, RabbitMQ): a delivery
/// whose <c>eta</c> is further away than <c>delayed_delivery_threshold</c> is republished into the delay
/// topology (confirmed) and the original acked, instead of being held unacked for its whole wait; it
/// comes back as an ordinary message near its ETA. Other deliveries are watched by a
/// <see cref="LeaseKeeper"/>. On brokers that take it (3.12+) each <c>basic.consume</c> also asks for
/// <c>x-consumer-timeout</c>, and leases start correspondingly later.
/// </summary>
internal sealed class ConsumerTimeoutGuard : IAsyncDisposable
{
    private readonly DelayServices _services;
    private readonly LeaseKeeper? _leases;
    private readonly CancellationTokenSource _closing = new();
    private readonly object _pendingLock = new();
    private readonly HashSet<Task> _pending = [];
    private long _blockedUntil;
    private long _deferred;

    /// <summary>A guard for one consumer.</summary>
    public ConsumerTimeoutGuard(DelayServices services)
    {
        _services = services;
        var options = services.Options;
        if (options.Lease) _leases = new LeaseKeeper(services.Transport, services.LeaseQueues, options, options.LeaseAfter, services.Logger);
    }

    /// <summary>Set by the consumer: tells it a delivery was acked or requeued on its channel by the guard.</summary>
    public Action<RabbitMqDeliveryState> Settled
    {
        get => _settled;
        set
        {
            _settled = value;
            if (_leases is not null) _leases.Settled = value;
        }
    }

    private Action<RabbitMqDeliveryState> _settled = _ => { };

    /// <summary>Deliveries republished into the delay topology so far.</summary>
    public long Deferred => Interlocked.Read(ref _deferred);

    /// <summary>The lease keeper, when leases are on.</summary>
    public LeaseKeeper? Leases => _leases;

    /// <summary>
    /// The <c>basic.consume</c> arguments: <c>x-consumer-timeout</c> where the broker takes it (3.12+)
    /// and <c>per_consumer_timeout</c> is not 0, else none.
    /// </summary>
    public async ValueTask<IDictionary<string, object?>?> ConsumeArgumentsAsync(CancellationToken cancellationToken)
    {
        var options = _services.Options;
        if (options.PerConsumerTimeout <= TimeSpan.Zero) return null;
        var connection = await _services.Transport.Connection.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!BrokerVersion.TakesPerConsumerTimeout(BrokerVersion.Of(connection.ServerProperties))) return null;
        if (_leases is not null)
            _leases.LeaseAfter = TimeSpan.FromTicks((long)(options.PerConsumerTimeout.Ticks * (options.LeaseAfter / options.ConsumerTimeout)));
        return new Dictionary<string, object?> { ["x-consumer-timeout"] = (long)options.PerConsumerTimeout.TotalMilliseconds };
    }

    /// <summary>
    /// Takes a delivery whose ETA is far off: returns true and, in the background, publishes it into
    /// the delay topology and acks it (or, when that fails, gives it back to its queue and holds
    /// deferrals off for a while so it reaches the worker as usual). False: the consumer buffers it.
    /// </summary>
    public bool TryDefer(TransportDelivery delivery, RabbitMqDeliveryState state, IReadOnlyBasicProperties properties)
    {
        var options = _services.Options;
        if (!options.DelayedDelivery || delivery.Message is not { } message || _closing.IsCancellationRequested) return false;
        if (Environment.TickCount64 < Interlocked.Read(ref _blockedUntil)) return false;
        if (EtaOf(properties) is not { } eta) return false;
        var wait = eta - DateTimeOffset.UtcNow;
        if (wait <= options.DelayedDeliveryThreshold) return false;
        var copy = DeliveryCopy.Properties(properties);
        var seconds = (long)Math.Floor(wait.TotalSeconds);
        // Off the consumer's lock and dispatch thread: the publish waits for its confirm.
        var run = Task.Run(() => DeferAsync(delivery.Queue, seconds, copy, message.Body, state));
        lock (_pendingLock) _pending.Add(run);
        _ = run.ContinueWith(t => { lock (_pendingLock) _pending.Remove(t); }, TaskScheduler.Default);
        return true;
    }

    /// <summary>Starts watching a buffered delivery for leasing.</summary>
    public void Track(TransportDelivery delivery) => _leases?.Track(delivery);

    /// <summary>Stops watching deliveries the consumer dropped with their lost channel.</summary>
    public void Forget(IEnumerable<TransportDelivery> deliveries) => _leases?.Forget(deliveries);

    /// <summary>Settles a leased delivery through its lease (true), or lets the consumer settle it on its channel (false).</summary>
    public ValueTask<bool> TrySettleLeasedAsync(RabbitMqDeliveryState state, SettleAction action, CancellationToken cancellationToken) =>
        _leases is null ? ValueTask.FromResult(false) : _leases.TrySettleAsync(state, action, cancellationToken);

    private async Task DeferAsync(string queue, long seconds, BasicProperties copy, ReadOnlyMemory<byte> body, RabbitMqDeliveryState state)
    {
        var logger = _services.Logger;
        try
        {
            await _services.Delayed.PublishAsync(queue, seconds, copy, body, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Held as Celery holds it instead; leases keep it clear of consumer_timeout meanwhile.
            Interlocked.Exchange(ref _blockedUntil, Environment.TickCount64 + 30_000);
            logger.LogWarning(e, "Republishing a delivery from {Queue} with an ETA {Seconds} s away into the delay topology failed; " +
                "it goes back to its queue and deliveries are held as usual for 30 s", queue, seconds);
            await OriginalAck.RequeueAsync(state, _settled).ConfigureAwait(false);
            return;
        }
        if (await OriginalAck.AckAsync(state, _settled).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _deferred);
            logger.LogDebug("A delivery from {Queue} waits {Seconds} s in the delay topology", queue, seconds);
        }
        else
        {
            logger.LogWarning("A delivery from {Queue} was republished into the delay topology but its channel closed before the ack: " +
                "the broker delivers it again, so it will be there twice (at least once)", queue);
        }
    }

    /// <summary>The <c>eta</c> header, read straight from the AMQP headers (the task's JSON headers are not parsed for it).</summary>
    internal static DateTimeOffset? EtaOf(IReadOnlyBasicProperties properties)
    {
        if (properties.Headers is not { } headers || !headers.TryGetValue("eta", out var raw)) return null;
        var text = raw switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string s => s,
            _ => null,
        };
        return PythonDateTime.TryParse(text, out var eta) ? eta : null;
    }

    /// <summary>Waits for deferrals in flight (their acks need the consumer's channel), then stops leasing and restores leased deliveries.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] pending;
        lock (_pendingLock) pending = [.. _pending];
        try
        {
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _services.Logger.LogWarning("Deferrals still in flight at close; their deliveries may come twice (at least once)");
        }
        await _closing.CancelAsync().ConfigureAwait(false);
        if (_leases is not null) await _leases.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }
}
