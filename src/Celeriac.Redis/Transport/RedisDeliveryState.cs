using Celeriac.Protocol.Messages;

namespace Celeriac.Redis.Transport;

/// <summary>
/// What the consumer keeps about one delivery until it is settled (the delivery's
/// <see cref="Celeriac.Transport.TransportDelivery.State"/>): the bytes as popped and where from,
/// and the <c>unacked</c> entry it wrote, if any. The entry's tag is kept as the bytes the script
/// recorded (<see cref="DeliveryTags"/>): a tag that is not UTF-8 would not survive a trip through text.
/// </summary>
internal sealed class RedisDeliveryState(ReadOnlyMemory<byte> raw, string sourceKey, long sequence, ReadOnlyMemory<byte> recordedTag, string score, KombuEnvelope? envelope)
{
    /// <summary>The list element exactly as popped.</summary>
    public ReadOnlyMemory<byte> Raw { get; } = raw;

    /// <summary>The list it was popped from (queue and priority step); a requeue or restore goes back there.</summary>
    public string SourceKey { get; } = sourceKey;

    /// <summary>Delivery order in this consumer, so restores keep it.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>The tag of its <c>unacked</c> entry, as recorded; empty when none was written (no ack emulation, or not an envelope).</summary>
    public ReadOnlyMemory<byte> RecordedTag { get; private set; } = recordedTag;

    /// <summary>The <c>unacked_index</c> score written with the entry (empty when none).</summary>
    public string Score { get; private set; } = score;

    /// <summary>
    /// Set while the script recording this delivery in <c>unacked</c> has not answered (a BRPOP'd
    /// message is handed over first); completes once <see cref="RecordedTag"/> and
    /// <see cref="Score"/> are known. A settlement waits for it.
    /// </summary>
    public Task? Recording { get; private set; }

    /// <summary>
    /// Marks the record as pending until <paramref name="recording"/> completes. It will be written
    /// under <paramref name="expectedTag"/> (the envelope's own tag, which is what the script records),
    /// so an ack or reject need not wait for it: sent after the script on the same connection, it
    /// removes what the script wrote (or nothing, if the script could not record it).
    /// </summary>
    public void RecordLater(Task recording, ReadOnlyMemory<byte> expectedTag)
    {
        Recording = recording;
        ExpectedTag = expectedTag;
    }

    /// <summary>The tag to remove on ack or reject: the recorded one, or the expected one while the record is pending.</summary>
    public ReadOnlyMemory<byte> TagToRemove => Recording is { IsCompleted: false } ? ExpectedTag : RecordedTag;

    private ReadOnlyMemory<byte> ExpectedTag { get; set; }

    /// <summary>What the recording script wrote (empty tag: nothing).</summary>
    public void Recorded(ReadOnlyMemory<byte> tag, string score)
    {
        RecordedTag = tag;
        Score = tag.Length > 0 ? score : "";
    }

    /// <summary>The decoded envelope; null when the element could not be read.</summary>
    public KombuEnvelope? Envelope { get; } = envelope;

    /// <summary>
    /// The payload to push back: the envelope marked redelivered as kombu marks it, or the raw
    /// element when it was never readable (it goes back as it came).
    /// </summary>
    public ReadOnlyMemory<byte> RedeliveryPayload() =>
        Envelope is null ? Raw : Redelivery.Mark(Envelope.Document);
}
