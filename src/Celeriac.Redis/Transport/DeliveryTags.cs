using System.Text;

namespace Celeriac.Redis.Transport;

/// <summary>
/// Delivery tags as Redis holds them: bytes. The <c>unacked</c> hash and <c>unacked_index</c> are
/// keyed by the exact bytes the receive script recorded, which need not be UTF-8 (a producer can
/// write anything), so settling and sweeping use those bytes; text is only for logs.
/// </summary>
internal static class DeliveryTags
{
    /// <summary>A tag for a log line or a <see cref="Celeriac.Transport.TransportDelivery"/>: as text when it is UTF-8, else with its invalid bytes as <c>\xNN</c>.</summary>
    public static string ToText(ReadOnlySpan<byte> tag)
    {
        if (System.Text.Unicode.Utf8.IsValid(tag)) return Encoding.UTF8.GetString(tag);
        var text = new StringBuilder(tag.Length + 16);
        while (!tag.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(tag, out var rune, out var used);
            if (status == System.Buffers.OperationStatus.Done) text.Append(rune.ToString());
            else for (var i = 0; i < used; i++) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{tag[i]:X2}");
            tag = tag[used..];
        }
        return text.ToString();
    }
}
