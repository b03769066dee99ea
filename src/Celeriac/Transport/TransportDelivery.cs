using Celeriac.Protocol.Messages;

namespace Celeriac.Transport;

/// <summary>
/// One message handed to a consumer. It is either readable (<see cref="Message"/>) or malformed
/// (<see cref="Malformed"/> says why); either way it is settled exactly once.
/// </summary>
internal sealed class TransportDelivery
{
    private int _settled;

    /// <summary>Creates a readable delivery.</summary>
    public TransportDelivery(BrokerMessage message, string queue, DeliveryInfo route, string deliveryTag, bool redelivered, object? state = null)
    {
        Message = message;
        Queue = queue;
        Route = route;
        DeliveryTag = deliveryTag;
        Redelivered = redelivered;
        State = state;
    }

    /// <summary>Creates a delivery whose message could not be read (bad envelope, bad base64, …).</summary>
    public TransportDelivery(InvalidMessageException malformed, string queue, string deliveryTag, object? state = null)
    {
        Malformed = malformed;
        Queue = queue;
        Route = DeliveryInfo.ToQueue(queue);
        DeliveryTag = deliveryTag;
        State = state;
    }

    /// <summary>The message; null when <see cref="Malformed"/> is set.</summary>
    public BrokerMessage? Message { get; }

    /// <summary>Why the message could not be read, or null.</summary>
    public InvalidMessageException? Malformed { get; }

    /// <summary>The queue it was taken from.</summary>
    public string Queue { get; }

    /// <summary>The exchange and routing key it was published with.</summary>
    public DeliveryInfo Route { get; }

    /// <summary>Broker-specific tag identifying this delivery.</summary>
    public string DeliveryTag { get; }

    /// <summary>True when the broker delivered it before (restored, requeued).</summary>
    public bool Redelivered { get; }

    /// <summary>Transport-private data (raw envelope, channel, …).</summary>
    public object? State { get; }

    /// <summary>
    /// Why the worker rejected it, set with a <see cref="SettleAction.Reject"/> settlement: a transport
    /// that keeps rejected messages in a dead-letter list attaches it (Redis <c>deadletter_queue</c>).
    /// </summary>
    public string? RejectReason { get; set; }

    /// <summary>Marks the delivery settled; false when it already was (settlements after the first are ignored).</summary>
    public bool TryMarkSettled() => Interlocked.Exchange(ref _settled, 1) == 0;

    /// <summary>True once settled.</summary>
    public bool IsSettled => Volatile.Read(ref _settled) == 1;
}
