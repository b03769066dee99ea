using System.Collections.Concurrent;
using Celeriac.RabbitMQ.Transport;
using Celeriac.RabbitMQ.Wire;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// Keeps one consumer's long-held deliveries clear of the broker's <c>consumer_timeout</c> on
/// brokers without a per-consumer timeout (RabbitMQ before 3.12), docs/architecture.md RabbitMQ: a
/// delivery held unacked past <c>lease_after</c> is leased — a copy published (confirmed) into a lease
/// queue of its own that dead-letters it back to its queue when the lease runs out, then the original
/// acked. While the worker lives the lease is renewed before it runs out and settled with the task:
/// ack deletes the lease queue, requeue/restore republishes the copy to its queue first, reject sends it
/// to the queue's dead-letter exchange when it has one. If the worker dies, the copy comes back after
/// the lease and is delivered again (acks-late semantics kept, later). No run twice while the worker
/// lives, none lost if it dies, no channel closed.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly ConcurrentDictionary<RabbitMqDeliveryState, DeliveryLease> _held = new();
    private readonly RabbitMqTransport _transport;
    private readonly LeaseQueues _queues;
    private readonly DelayOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>A keeper that leases deliveries held longer than <paramref name="leaseAfter"/>.</summary>
    public LeaseKeeper(RabbitMqTransport transport, LeaseQueues queues, DelayOptions options, TimeSpan leaseAfter, ILogger logger)
    {
        _transport = transport;
        _queues = queues;
        _options = options;
        _logger = logger;
        LeaseAfter = leaseAfter;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>How long a delivery is held before it is leased.</summary>
    public TimeSpan LeaseAfter { get; set; }

    /// <summary>Tells the consumer a delivery was acked on its channel here.</summary>
    public Action<RabbitMqDeliveryState> Settled { get; set; } = _ => { };

    /// <summary>Leases taken so far (renewals not counted).</summary>
    public long Leased => Interlocked.Read(ref _leased);

    /// <summary>Renewals so far.</summary>
    public long Renewed => Interlocked.Read(ref _renewed);

    private long _leased;
    private long _renewed;

    /// <summary>Starts watching a delivery the consumer has just buffered.</summary>
    public void Track(TransportDelivery delivery)
    {
        if (delivery.Message is null || delivery.State is not RabbitMqDeliveryState state) return;
        _held.TryAdd(state, new DeliveryLease(delivery, state, Environment.TickCount64));
    }

    /// <summary>Stops watching deliveries the consumer dropped (their channel closed): a leased one comes back when its lease runs out.</summary>
    public void Forget(IEnumerable<TransportDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
            if (delivery.State is RabbitMqDeliveryState state && _held.TryRemove(state, out var lease))
                lock (lease.Gate) lease.Stage = LeaseStage.Done;
    }

    /// <summary>
    /// Settles a leased delivery through its lease and returns true; returns false (and stops watching
    /// it) for one still held, which the consumer settles on its channel as usual.
    /// </summary>
    public async ValueTask<bool> TrySettleAsync(RabbitMqDeliveryState state, SettleAction action, CancellationToken cancellationToken)
    {
        if (!_held.TryGetValue(state, out var lease)) return false;
        while (true)
        {
            Task idle;
            lock (lease.Gate)
            {
                switch (lease.Stage)
                {
                    case LeaseStage.Held:
                        lease.Stage = LeaseStage.Done;
                        _held.TryRemove(state, out _);
                        return false;
                    case LeaseStage.Done:
                        return false;
                    case LeaseStage.Leased:
                        lease.Stage = LeaseStage.Done;
                        _held.TryRemove(state, out _);
                        goto settle;
                }
                idle = lease.Idle;
            }
            await idle.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    settle:
        await SettleLeaseAsync(lease, action, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task SettleLeaseAsync(DeliveryLease lease, SettleAction action, CancellationToken cancellationToken)
    {
        var name = lease.QueueName!;
        var queue = lease.Delivery.Queue;
        try
        {
            switch (action)
            {
                case SettleAction.Requeue or SettleAction.Restore:
                    // The copy goes back first: a crash between the two leaves it twice, never nowhere.
                    await PublishCopyAsync(lease, "", queue, cancellationToken).ConfigureAwait(false);
                    break;
                case SettleAction.Reject when DeadLetterOf(queue) is var (exchange, key):
                    await PublishCopyAsync(lease, exchange, key ?? lease.Delivery.Route.RoutingKey, cancellationToken).ConfigureAwait(false);
                    break;
            }
            await _queues.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
            _logger.LogDebug("Lease {Lease} of a delivery from {Queue} settled ({Action})", name, queue, action);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(e, "Settling lease {Lease} of a delivery from {Queue} ({Action}) failed; its copy goes back to {Queue} when the lease runs out and the task may run again",
                name, queue, action, queue);
        }
    }

    private (string Exchange, string? Key)? DeadLetterOf(string queue)
    {
        var arguments = _transport.Topology.QueueFor(queue).Arguments;
        if (!arguments.TryGetValue("x-dead-letter-exchange", out var exchange) || exchange is null) return null;
        arguments.TryGetValue("x-dead-letter-routing-key", out var key);
        return (exchange.ToString()!, key?.ToString());
    }

    private Task PublishCopyAsync(DeliveryLease lease, string exchange, string routingKey, CancellationToken cancellationToken)
    {
        var message = lease.Delivery.Message!;
        var properties = DeliveryCopy.Stripped(AmqpMessages.Properties(message));
        return _transport.PublishAsync(exchange, routingKey, mandatory: true, properties, message.Body, cancellationToken).AsTask();
    }

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.CheckInterval, token).ConfigureAwait(false);
                var now = Environment.TickCount64;
                var leaseAfter = (long)LeaseAfter.TotalMilliseconds;
                var renewBefore = (long)_options.RenewBefore.TotalMilliseconds;
                foreach (var lease in _held.Values)
                {
                    if (token.IsCancellationRequested) break;
                    var stage = lease.Stage;
                    if (stage == LeaseStage.Held && now - lease.HeldSince >= leaseAfter) await LeaseAsync(lease, renew: false, token).ConfigureAwait(false);
                    else if (stage == LeaseStage.Leased && lease.LeasedUntil - now <= renewBefore) await LeaseAsync(lease, renew: true, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogWarning(e, "Looking after held deliveries failed; trying again");
            }
        }
    }

    /// <summary>Takes or renews the lease of one delivery: a new lease queue with a confirmed copy, then the original acked or the old lease queue deleted.</summary>
    private async Task LeaseAsync(DeliveryLease lease, bool renew, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? old;
        lock (lease.Gate)
        {
            if (lease.Stage != (renew ? LeaseStage.Leased : LeaseStage.Held)) return;
            lease.Stage = LeaseStage.Busy;
            lease.Idle = done.Task;
            old = lease.QueueName;
        }
        var next = renew ? LeaseStage.Leased : LeaseStage.Held;
        var name = LeaseQueues.NewName();
        var queue = lease.Delivery.Queue;
        var declared = false;
        try
        {
            if (!renew && !lease.State.Link.IsLive)
            {
                next = LeaseStage.Done; // the broker has it back already
                return;
            }
            await _queues.DeclareAsync(name, queue, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            declared = true;
            await PublishCopyAsync(lease, "", name, cancellationToken).ConfigureAwait(false);
            var until = Environment.TickCount64 + (long)_options.LeaseDuration.TotalMilliseconds;
            if (renew)
            {
                await _queues.DeleteAsync(old!, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _renewed);
            }
            else if (!await OriginalAck.AckAsync(lease.State, Settled).ConfigureAwait(false))
            {
                // The channel closed under us: the broker has the original back; the copy must go.
                await _queues.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
                next = LeaseStage.Done;
                return;
            }
            else
            {
                Interlocked.Increment(ref _leased);
            }
            lock (lease.Gate)
            {
                lease.QueueName = name;
                lease.LeasedUntil = until;
            }
            next = LeaseStage.Leased;
            _logger.LogInformation("{What} a delivery from {Queue} held {Held:0} s: its copy waits in {Lease} for {Lease:0} s",
                renew ? "Renewed the lease of" : "Leased", queue, (Environment.TickCount64 - lease.HeldSince) / 1000.0, name, _options.LeaseDuration.TotalSeconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning(e, "{What} a delivery from {Queue} failed; trying again at the next check", renew ? "Renewing the lease of" : "Leasing", queue);
            if (declared)
            {
                try { await _queues.DeleteAsync(name, CancellationToken.None).ConfigureAwait(false); }
                catch (Exception ex) when (ex is not OutOfMemoryException) { /* its copy, if published, comes back after the lease: at least once */ }
            }
        }
        finally
        {
            lock (lease.Gate) lease.Stage = next;
            if (next == LeaseStage.Done) _held.TryRemove(lease.State, out _);
            done.TrySetResult();
        }
    }

    /// <summary>Stops leasing; leased deliveries the worker did not settle go back to their queues now (as the broker restores unacked ones).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        foreach (var state in _held.Keys.ToList())
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await TrySettleAsync(state, SettleAction.Restore, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogWarning(e, "Restoring a leased delivery at close failed; it comes back when its lease runs out");
            }
        }
        _stop.Dispose();
    }
}
