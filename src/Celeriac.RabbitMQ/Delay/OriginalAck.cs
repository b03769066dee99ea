using Celeriac.RabbitMQ.Transport;
using RabbitMQ.Client.Exceptions;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// Acks or requeues a delivery on its own channel once its copy is safely elsewhere (a delay queue,
/// a lease queue), then tells the consumer (the channel's outstanding tags,
/// the subscription's unacked count), as its own settlements do.
/// </summary>
internal static class OriginalAck
{
    /// <summary>Acks the delivery; false when its channel is gone (the broker has put it back and redelivers it).</summary>
    public static Task<bool> AckAsync(RabbitMqDeliveryState state, Action<RabbitMqDeliveryState> settled) => SettleAsync(state, requeue: null, settled);

    /// <summary>Gives the delivery back to its queue; false when its channel is gone (then the broker did).</summary>
    public static Task<bool> RequeueAsync(RabbitMqDeliveryState state, Action<RabbitMqDeliveryState> settled) => SettleAsync(state, requeue: true, settled);

    private static async Task<bool> SettleAsync(RabbitMqDeliveryState state, bool? requeue, Action<RabbitMqDeliveryState> settled)
    {
        if (!state.Link.IsLive) return false;
        try
        {
            if (requeue is null) await state.Link.Channel.BasicAckAsync(state.Tag, multiple: false).ConfigureAwait(false);
            else await state.Link.Channel.BasicRejectAsync(state.Tag, requeue: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AlreadyClosedException or ObjectDisposedException || !state.Link.IsLive)
        {
            return false;
        }
        settled(state);
        return true;
    }
}
