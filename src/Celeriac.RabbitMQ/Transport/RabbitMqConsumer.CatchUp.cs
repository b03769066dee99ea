using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Transport;

/// <content>
/// Catching up with the broker before depth or purge count what is buffered: a message the broker
/// has delivered is no longer in its ready count, but may still be on its way to the buffer.
/// </content>
internal sealed partial class RabbitMqConsumer
{
    // RabbitMQ's direct reply-to pseudo queue: consuming it needs no declaration and touches no queue.
    private const string MarkerQueue = "amq.rabbitmq.reply-to";

    /// <summary>
    /// Returns once every delivery the broker sent on this consumer's channel before the call is
    /// buffered. The broker's channel writes a delivery it was handed before it answers a later
    /// <c>basic.consume</c>, and RabbitMQ.Client dispatches consume-ok to a consumer in order with
    /// the deliveries read before it, so a marker consumer's consume-ok comes after them all. With
    /// <paramref name="countReady"/>, it first reads the ready count of <paramref name="queue"/> on
    /// this same channel: the queue has then handled this channel's earlier acks (and sent what they
    /// made room for), so a settle followed by a depth sees no message twice or not at all.
    /// Returns that count, or null when not asked for or the channel cannot give it.
    /// </summary>
    public async Task<long?> CatchUpAsync(string queue, bool countReady, CancellationToken cancellationToken)
    {
        await _ops.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConsumerLink? link;
            bool subscribed;
            lock (_lock) (link, subscribed) = (_link, _subscriptions.ContainsKey(queue));
            if (link is not { IsLive: true }) return null;
            long? ready = null;
            // Only for a queue it consumes: a passive declare of a missing queue would close the channel.
            if (countReady && subscribed)
            {
                // The queue answers a count (stat) ahead of acks it has not handled yet, but a basic.consume
                // after them: consuming the queue afresh first makes the count come after this channel's acks.
                await ResubscribeAsync(link, queue).ConfigureAwait(false);
                ready = (await link.Channel.QueueDeclarePassiveAsync(queue, CancellationToken.None).ConfigureAwait(false)).MessageCount;
            }
            var marker = new CatchUpMarker(link.Channel);
            var tag = await link.Channel.BasicConsumeAsync(MarkerQueue, autoAck: true, consumerTag: "", noLocal: false, exclusive: false,
                arguments: null, consumer: marker, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            await marker.Reached.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            await link.Channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None).ConfigureAwait(false);
            return ready;
        }
        catch (Exception e) when (e is not OperationCanceledException && !IsLinkLive())
        {
            // Lost meanwhile: nothing is buffered from that channel any more.
            _logger.LogDebug(e, "Catching up with a lost consumer channel");
            return null;
        }
        finally
        {
            _ops.Release();
        }
    }

    /// <summary>Replaces the subscription of <paramref name="queue"/> by one with room for what it had left (caller holds <see cref="_ops"/>).</summary>
    private async Task ResubscribeAsync(ConsumerLink link, string queue)
    {
        ConsumerSubscription? old;
        lock (_lock) _subscriptions.TryGetValue(queue, out old);
        if (old is null) return;
        var prefetch = old.Prefetch == 0 ? (ushort)0 : Clamp(Math.Max(1, old.Prefetch - old.Unacked));
        await SubscribeAsync(link, queue, prefetch, CancellationToken.None, replaces: old).ConfigureAwait(false);
        await CancelSubscriptionAsync(old, CancellationToken.None).ConfigureAwait(false);
    }

    private sealed class CatchUpMarker(IChannel channel) : AsyncDefaultBasicConsumer(channel)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public override async Task HandleBasicConsumeOkAsync(string consumerTag, CancellationToken cancellationToken = default)
        {
            await base.HandleBasicConsumeOkAsync(consumerTag, cancellationToken).ConfigureAwait(false);
            _reached.TrySetResult();
        }
    }
}
