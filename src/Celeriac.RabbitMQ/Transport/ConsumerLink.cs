using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// One channel a consumer consumes on. When it is lost (the connection dropped, the broker closed
/// the channel) a new link replaces it; a delivery remembers its link, so one from a lost channel is
/// never settled on a new one — a delivery tag means nothing on another channel, and the broker has
/// already put the message back (it comes again, redelivered).
/// </summary>
/// <param name="Channel">The channel.</param>
/// <param name="Number">Counts the links of the consumer, for logs.</param>
internal sealed record ConsumerLink(IChannel Channel, int Number)
{
    /// <summary>True once the consumer stopped using it (lost or replaced).</summary>
    public bool Retired { get; set; }

    /// <summary>The per-consumer prefetch the channel's last <c>basic.qos</c> set (for consumers created after it).</summary>
    public ushort Qos { get; set; }

    /// <summary>Delivery tags of the channel not settled on the broker yet (the consumer's lock guards it).</summary>
    public SortedSet<ulong> Outstanding { get; } = [];

    /// <summary>Whether a delivery of this link can still be settled.</summary>
    public bool IsLive => !Retired && Channel.IsOpen;
}
