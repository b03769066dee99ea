using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.RabbitMQ.Transport;

/// <content>
/// Settling: restores to the front of the local buffer while the delivery's channel lives, everything
/// else on the broker on the delivery's own channel — acks of a batch as one <c>basic.ack
/// multiple=true</c> where they are the oldest outstanding tags of the channel.
/// </content>
internal sealed partial class RabbitMqConsumer
{
    // One settlement to the broker at a time: a multiple ack must not overtake a reject of a lower tag.
    private readonly SemaphoreSlim _settling = new(1, 1);

    /// <inheritdoc />
    public async ValueTask SettleAsync(IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken = default)
    {
        List<TransportDelivery>? restored = null;
        HashSet<ConsumerLink>? requeuedOn = null;
        Dictionary<ConsumerLink, List<RabbitMqDeliveryState>>? acks = null;
        await _settling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (delivery, action) in settlements)
            {
                if (!delivery.TryMarkSettled()) continue;
                var state = (RabbitMqDeliveryState)delivery.State!;
                if (action == SettleAction.Restore && CanRestoreLocally(state))
                {
                    (restored ??= []).Add(AsRedelivered(delivery));
                    continue;
                }
                if (action == SettleAction.Ack && state.Link.IsLive)
                {
                    acks ??= [];
                    if (!acks.TryGetValue(state.Link, out var list)) acks[state.Link] = list = [];
                    list.Add(state);
                    continue;
                }
                await SettleOneAsync(state, action, cancellationToken).ConfigureAwait(false);
                if (action is SettleAction.Requeue or SettleAction.Restore) (requeuedOn ??= []).Add(state.Link);
            }
            if (acks is not null)
                foreach (var (link, states) in acks) await AckAsync(link, states, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _settling.Release();
        }
        if (requeuedOn is not null) await AwaitRequeuedAsync(requeuedOn, cancellationToken).ConfigureAwait(false);
        if (restored is null) return;
        List<TransportDelivery> giveBack;
        lock (_lock)
        {
            // Still unacked on the broker and still ours: back to the front of the local buffer, as
            // Celery restores to the front (docs/protocol.md §2.4) — a broker requeue would come after what is buffered.
            giveBack = restored.Where(d => !CanRestoreLocally((RabbitMqDeliveryState)d.State!)).ToList();
            _buffer.Restore(giveBack.Count == 0 ? restored : restored.Except(giveBack).ToList());
        }
        foreach (var delivery in giveBack)
            await SettleOnBrokerAsync((RabbitMqDeliveryState)delivery.State!, SettleAction.Restore, cancellationToken).ConfigureAwait(false);
        if (giveBack.Count > 0) await AwaitRequeuedAsync(giveBack.Select(d => ((RabbitMqDeliveryState)d.State!).Link).ToHashSet(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Acks deliveries of one channel: those that are the channel's oldest outstanding tags in one
    /// <c>basic.ack multiple=true</c> (it acks every unacked tag up to the highest — so only when
    /// nothing else is outstanding below it), the rest one by one.
    /// </summary>
    private async ValueTask AckAsync(ConsumerLink link, List<RabbitMqDeliveryState> states, CancellationToken cancellationToken)
    {
        states.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        var covered = 0;
        lock (_lock)
        {
            foreach (var tag in link.Outstanding)
            {
                if (covered == states.Count || states[covered].Tag != tag) break;
                covered++;
            }
        }
        if (covered < 2) covered = 0;
        if (covered > 0)
        {
            try
            {
                await link.Channel.BasicAckAsync(states[covered - 1].Tag, multiple: true, cancellationToken).ConfigureAwait(false);
                Settled(states.Take(covered));
            }
            catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.AlreadyClosedException or ObjectDisposedException || !link.IsLive)
            {
                Interlocked.Add(ref _stale, covered);
                _logger.LogDebug("{Count} deliveries not acked: their channel closed meanwhile; the broker redelivers them", covered);
            }
        }
        for (var i = covered; i < states.Count; i++) await SettleOneAsync(states[i], SettleAction.Ack, cancellationToken).ConfigureAwait(false);
    }

    private void Settled(IEnumerable<RabbitMqDeliveryState> states)
    {
        lock (_lock)
        {
            foreach (var state in states)
            {
                state.Link.Outstanding.Remove(state.Tag);
                state.Subscription.Settled();
            }
        }
    }

    /// <summary>
    /// basic.reject has no reply: a round trip on the same channel after it (the channel hands the
    /// reject to the queue before it answers) means a settle that returned has put the message back
    /// in its queue, as on the other brokers — depth and another consumer see it at once. Only
    /// batches that requeue pay for it.
    /// </summary>
    private async ValueTask AwaitRequeuedAsync(IEnumerable<ConsumerLink> links, CancellationToken cancellationToken)
    {
        foreach (var link in links)
        {
            if (!link.IsLive || link.Qos == 0) continue;
            await _ops.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // The same prefetch again: changes nothing, only waits for the channel.
                if (link.IsLive) await link.Channel.BasicQosAsync(0, link.Qos, global: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && !link.IsLive)
            {
                // Lost meanwhile: the broker requeued everything of the channel anyway.
            }
            finally
            {
                _ops.Release();
            }
        }
    }

    private static TransportDelivery AsRedelivered(TransportDelivery delivery) =>
        delivery.Message is { } message
            ? new TransportDelivery(message, delivery.Queue, delivery.Route, delivery.DeliveryTag, redelivered: true, delivery.State)
            : new TransportDelivery(delivery.Malformed!, delivery.Queue, delivery.DeliveryTag, delivery.State);

    private bool CanRestoreLocally(RabbitMqDeliveryState state)
    {
        lock (_lock) return !_disposed && ReferenceEquals(_link, state.Link) && state.Link.IsLive && _queues.Contains(state.Subscription.Queue, StringComparer.Ordinal);
    }

    /// <summary>Acks, rejects or requeues one delivery on its own channel (a purge, a give-back), one settlement at a time.</summary>
    private async ValueTask SettleOnBrokerAsync(RabbitMqDeliveryState state, SettleAction action, CancellationToken cancellationToken)
    {
        await _settling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SettleOneAsync(state, action, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _settling.Release();
        }
    }

    /// <summary>Acks, rejects or requeues one delivery on its own channel: where settling reaches the broker (caller holds <see cref="_settling"/>).</summary>
    private async ValueTask SettleOneAsync(RabbitMqDeliveryState state, SettleAction action, CancellationToken cancellationToken)
    {
        if (!state.Link.IsLive)
        {
            // Its channel is gone: the broker has put the message back already and redelivers it.
            Interlocked.Increment(ref _stale);
            _logger.LogDebug("Delivery {Tag} of a lost channel not settled ({Action}); the broker redelivers it", state.Tag, action);
            return;
        }
        try
        {
            var channel = state.Link.Channel;
            switch (action)
            {
                case SettleAction.Ack:
                    await channel.BasicAckAsync(state.Tag, multiple: false, cancellationToken).ConfigureAwait(false);
                    break;
                case SettleAction.Reject:
                    await channel.BasicRejectAsync(state.Tag, requeue: false, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    // Requeue and Restore: RabbitMQ puts a requeued message back where it was, as near the head as it can.
                    await channel.BasicRejectAsync(state.Tag, requeue: true, cancellationToken).ConfigureAwait(false);
                    break;
            }
            Settled([state]);
        }
        catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.AlreadyClosedException or ObjectDisposedException || !state.Link.IsLive)
        {
            Interlocked.Increment(ref _stale);
            _logger.LogDebug("Delivery {Tag} not settled ({Action}): its channel closed meanwhile; the broker redelivers it", state.Tag, action);
        }
    }
}
