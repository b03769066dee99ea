using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Celeriac.RabbitMQ.Transport;

/// <content>
/// The channel side: opening it, subscribing queues with a prefetch that follows the worker's
/// demand, and resuming by itself after a loss (reconnect with backoff, redeclare, consume every
/// queue again) or after the broker cancelled a subscription (the watchdog).
/// </content>
internal sealed partial class RabbitMqConsumer
{
    // One channel operation at a time: subscribing, cancelling, changing the prefetch, resuming.
    private readonly SemaphoreSlim _ops = new(1, 1);
    private int _links;
    private Task? _resuming;
    private bool _poisoned;

    /// <summary>Opens the channel. Queues are subscribed at the first receive, when the worker says how many it wants.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _ops.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await OpenLinkAsync(redeclare: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ops.Release();
        }
    }

    /// <summary>
    /// Makes sure the broker may send what the worker asks for. Per-consumer QoS counts a
    /// subscription's unacked deliveries, and deliveries the worker parked (ETA, rate limit) stay
    /// unacked while the worker's credit no longer counts them; so when the worker wants more than a
    /// subscription may still receive, the queue is consumed again with a larger prefetch (as Celery
    /// raises the prefetch per held ETA task) and the old subscription cancelled — its unacked
    /// deliveries stay valid on the channel and settle as usual. Once those deliveries have run and
    /// the prefetch is more than twice what the worker needs, it is lowered the same way (as Celery
    /// lowers it when a held ETA task runs).
    /// </summary>
    private async Task EnsureCreditAsync(int wanted, CancellationToken cancellationToken)
    {
        await _ops.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Past the wait, nothing is cancelled half-way: a cancelled channel call leaves its channel unusable.
            cancellationToken = CancellationToken.None;
            ConsumerLink? link;
            List<string> subscribe;
            List<ConsumerSubscription> starving;
            ushort first;
            lock (_lock)
            {
                link = _link;
                if (_disposed || link is not { IsLive: true }) return;
                // The first receive says what the worker wants: its prefetch, whatever options it runs with.
                if (_prefetch == 0) _prefetch = _basePrefetch = Clamp(wanted);
                first = _prefetch;
                subscribe = _queues.Where(q => !_subscriptions.ContainsKey(q)).ToList();
                starving = _subscriptions.Values.Where(s => s.Starves(wanted) || s.Oversized(wanted, _basePrefetch)).ToList();
            }
            foreach (var queue in subscribe) await SubscribeAsync(link, queue, first, cancellationToken).ConfigureAwait(false);
            foreach (var old in starving)
            {
                var prefetch = Clamp(old.Needed(wanted, _basePrefetch));
                lock (_lock)
                {
                    if (!_subscriptions.TryGetValue(old.Queue, out var current) || !ReferenceEquals(current, old)) continue;
                    _prefetch = prefetch;
                }
                await SubscribeAsync(link, old.Queue, prefetch, cancellationToken, replaces: old).ConfigureAwait(false);
                old.CancelledByUs = true;
                await CancelSubscriptionAsync(old, cancellationToken).ConfigureAwait(false);
                _logger.LogDebug("Prefetch of {Queue} changed from {Old} to {Prefetch}: {Unacked} unacked, the worker wants {Wanted} more",
                    old.Queue, old.Prefetch, prefetch, old.QueueUnacked, wanted);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException && !IsLinkLive())
        {
            // The channel went away meanwhile: resuming subscribes everything again.
            _logger.LogDebug(e, "Changing subscriptions failed on a lost channel");
        }
        finally
        {
            _ops.Release();
        }
    }

    private static ushort Clamp(int prefetch) => (ushort)Math.Clamp(prefetch, 1, ushort.MaxValue);

    private bool IsLinkLive()
    {
        lock (_lock) return _link is { IsLive: true };
    }

    /// <summary>Consumes <paramref name="queue"/> on <paramref name="link"/> with <paramref name="prefetch"/> (caller holds <see cref="_ops"/>).</summary>
    private async Task SubscribeAsync(ConsumerLink link, string queue, ushort prefetch, CancellationToken cancellationToken, ConsumerSubscription? replaces = null)
    {
        if (link.Qos != prefetch)
        {
            // global: false — per consumer, and for consumers created from now on.
            await link.Channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
            link.Qos = prefetch;
        }
        var subscription = new ConsumerSubscription(link, queue, prefetch, replaces);
        var consumer = new SubscriptionConsumer(link.Channel, subscription, this);
        lock (_lock) _subscriptions[queue] = subscription;
        subscription.Tag = await link.Channel.BasicConsumeAsync(queue, autoAck: false, consumerTag: "", noLocal: false, exclusive: false,
            arguments: null, consumer: consumer, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task CancelSubscriptionAsync(ConsumerSubscription subscription, CancellationToken cancellationToken)
    {
        subscription.CancelledByUs = true;
        if (subscription.Tag.Length == 0 || !subscription.Link.IsLive) return;
        await subscription.Link.Channel.BasicCancelAsync(subscription.Tag, noWait: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a new channel and subscribes every queue on it (caller holds <see cref="_ops"/>).</summary>
    private async Task OpenLinkAsync(bool redeclare, CancellationToken cancellationToken)
    {
        var (channel, _) = await _connection.CreateChannelAsync(publisherConfirms: false, cancellationToken).ConfigureAwait(false);
        var link = new ConsumerLink(channel, Interlocked.Increment(ref _links));
        channel.ChannelShutdownAsync += (_, e) => OnLinkLostAsync(link, e);
        try
        {
            List<string> queues;
            ushort prefetch;
            lock (_lock) (queues, prefetch) = (_queues.ToList(), _prefetch);
            // After a broker restart a queue may be gone (not durable, or deleted meanwhile): declare it as the worker did.
            if (redeclare) foreach (var queue in queues) await _topology.DeclareAsync(channel, queue, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(RabbitMqConsumer));
                _subscriptions.Clear();
                _link = link;
            }
            if (prefetch != 0) foreach (var queue in queues) await SubscribeAsync(link, queue, prefetch, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_lock) if (ReferenceEquals(_link, link)) _link = null;
            await RetireAsync(link).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The channel closed (connection lost, a broker error, or our own close).</summary>
    private Task OnLinkLostAsync(ConsumerLink link, ShutdownEventArgs e)
    {
        int dropped;
        lock (_lock)
        {
            if (_disposed || !ReferenceEquals(_link, link)) return Task.CompletedTask;
            // RabbitMQ.Client closes the connection with 502 when it cannot read a delivery's headers:
            // the poison is back at the head of its queue, and must be taken off before consuming again.
            if (e.ReplyCode == 502 && e.Initiator == ShutdownInitiator.Library) _poisoned = true;
            link.Retired = true;
            _link = null;
            _subscriptions.Clear();
            // Buffered deliveries of the lost channel are the broker's again; it redelivers them.
            dropped = _buffer.TakeWhere(d => ReferenceEquals(((RabbitMqDeliveryState)d.State!).Link, link)).Count;
            _resuming ??= Task.Run(ResumeAsync);
        }
        _logger.LogWarning("Consumer channel of {Queues} lost ({Code} {Reason}); {Dropped} untaken deliveries go back to the broker; resuming",
            string.Join(",", Queues), e.ReplyCode, e.ReplyText, dropped);
        return Task.CompletedTask;
    }

    /// <summary>Reconnects with backoff until consuming every queue again, or the consumer is closed.</summary>
    private async Task ResumeAsync()
    {
        var token = _closing.Token;
        for (var attempt = 1; !token.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(Backoff(attempt), token).ConfigureAwait(false);
                await _ops.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    if (_poisoned) await QuarantineAsync(token).ConfigureAwait(false);
                    await OpenLinkAsync(redeclare: true, token).ConfigureAwait(false);
                }
                finally
                {
                    _ops.Release();
                }
                lock (_lock) _resuming = null;
                _logger.LogInformation("Consuming {Queues} again (attempt {Attempt})", string.Join(",", Queues), attempt);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (attempt == 1 || attempt % 10 == 0)
                    _logger.LogWarning("Resuming the consumer of {Queues} failed (attempt {Attempt}): {Reason}; retrying with backoff",
                        string.Join(",", Queues), attempt, e.Message);
            }
        }
    }

    private async Task QuarantineAsync(CancellationToken cancellationToken)
    {
        List<string> queues;
        int depth;
        lock (_lock) (queues, depth) = (_queues.ToList(), Math.Clamp(_prefetch * 2, 64, 4096));
        var rejected = await PoisonQuarantine.RunAsync(_connection.Settings, queues, depth, _logger, cancellationToken).ConfigureAwait(false);
        _poisoned = false;
        if (rejected == 0) _logger.LogWarning("The connection failed reading a delivery, but no unreadable message was found at the head of {Queues}", string.Join(",", queues));
    }

    /// <summary>No delay for the first try (a restarted broker is often back at once), then 100 ms doubling to 5 s, jittered.</summary>
    internal static TimeSpan Backoff(int attempt)
    {
        if (attempt <= 1) return TimeSpan.Zero;
        var ms = Math.Min(5000, 100 * Math.Pow(2, Math.Min(attempt - 2, 16)));
        return TimeSpan.FromMilliseconds(ms * (0.5 + Random.Shared.NextDouble() / 2));
    }

    /// <summary>The broker cancelled a subscription (its queue was deleted, say): the watchdog consumes the queue again.</summary>
    internal void OnCancelledByBroker(ConsumerSubscription subscription)
    {
        lock (_lock)
        {
            if (subscription.CancelledByUs || _disposed) return;
            if (!_subscriptions.TryGetValue(subscription.Queue, out var current) || !ReferenceEquals(current, subscription)) return;
            _subscriptions.Remove(subscription.Queue);
        }
        _logger.LogWarning("The broker cancelled the consumer of {Queue}; declaring and consuming it again", subscription.Queue);
        _ = Task.Run(() => ResubscribeAsync(subscription));
    }

    private async Task ResubscribeAsync(ConsumerSubscription cancelled)
    {
        var token = _closing.Token;
        for (var attempt = 1; !token.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(Backoff(attempt + 1), token).ConfigureAwait(false);
                await _ops.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    ConsumerLink? link;
                    ushort prefetch;
                    lock (_lock)
                    {
                        link = _link;
                        // Resuming subscribes it anyway; cancel_consumer meant it; another subscription took over.
                        if (!ReferenceEquals(link, cancelled.Link) || !_queues.Contains(cancelled.Queue, StringComparer.Ordinal)
                            || _subscriptions.ContainsKey(cancelled.Queue)) return;
                        prefetch = _prefetch;
                    }
                    await _topology.DeclareAsync(link!.Channel, cancelled.Queue, token).ConfigureAwait(false);
                    await SubscribeAsync(link, cancelled.Queue, prefetch, token).ConfigureAwait(false);
                }
                finally
                {
                    _ops.Release();
                }
                _logger.LogInformation("Consuming {Queue} again after the broker cancelled its consumer", cancelled.Queue);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogWarning("Consuming {Queue} again failed (attempt {Attempt}): {Reason}", cancelled.Queue, attempt, e.Message);
            }
        }
    }

    private async Task RetireAsync(ConsumerLink link)
    {
        link.Retired = true;
        try
        {
            if (link.Channel.IsOpen) await link.Channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogDebug(e, "Closing a consumer channel failed");
        }
        link.Channel.Dispose();
    }
}
