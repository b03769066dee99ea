namespace Celeriac.Transport;

/// <summary>How a delivery ends.</summary>
internal enum SettleAction
{
    /// <summary>Done: remove the message for good.</summary>
    Ack,

    /// <summary>Refused: remove it without requeue (dead-lettered where the broker can).</summary>
    Reject,

    /// <summary>Refused for now: put it at the back of its queue (<c>Reject(requeue=True)</c>).</summary>
    Requeue,

    /// <summary>Not processed: give it back to the front of its queue (shutdown, lost worker).</summary>
    Restore,
}
