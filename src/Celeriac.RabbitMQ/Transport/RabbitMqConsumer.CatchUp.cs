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
    /// the deliveries read before it, so a marker consumer's consume-ok comes after them all.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _ops.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConsumerLink? link;
            lock (_lock) link = _link;
            if (link is not { IsLive: true }) return;
            var marker = new CatchUpMarker(link.Channel);
            var tag = await link.Channel.BasicConsumeAsync(MarkerQueue, autoAck: true, consumerTag: "", noLocal: false, exclusive: false,
                arguments: null, consumer: marker, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            await marker.Reached.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            await link.Channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !IsLinkLive())
        {
            // Lost meanwhile: nothing is buffered from that channel any more.
            _logger.LogDebug(e, "Catching up with a lost consumer channel");
        }
        finally
        {
            _ops.Release();
        }
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
