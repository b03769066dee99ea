using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Celeriac.Interop.Tests.Support.Beat;

/// <summary>
/// A beat run's task id, computed here independently of the library: UUID v5 (RFC 4122, namespace
/// URL) of <c>celeriac-beat:&lt;entry&gt;:&lt;slot UTC as yyyy-MM-ddTHH:mm:ss.ffffffZ&gt;</c>
/// (docs/interop.md, "Beat"; Python's <c>uuid.uuid5(uuid.NAMESPACE_URL, s)</c> gives the same).
/// </summary>
internal static class BeatRunId
{
    private static readonly byte[] UrlNamespace = Guid.Parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8").ToByteArray(bigEndian: true);

    public static string For(string entry, DateTimeOffset slot) => Uuid5($"celeriac-beat:{entry}:{Format(slot)}");

    public static string Format(DateTimeOffset slot) =>
        slot.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string Uuid5(string name)
    {
        var text = Encoding.UTF8.GetBytes(name);
        var data = new byte[UrlNamespace.Length + text.Length];
        UrlNamespace.CopyTo(data, 0);
        text.CopyTo(data, UrlNamespace.Length);
        var hash = SHA1.HashData(data);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }

    /// <summary>
    /// The slot whose id is <paramref name="taskId"/>, searched microsecond by microsecond in
    /// [<paramref name="from"/>, <paramref name="to"/>] (an interval entry's anchor is the instant the
    /// publisher first saw it, so its slots have any fraction of a second). Tries the fractions in
    /// <paramref name="likelyFractions"/> first (entries anchored together share one). Null when none matches.
    /// </summary>
    public static DateTimeOffset? FindSlot(string entry, string taskId, DateTimeOffset from, DateTimeOffset to,
        IEnumerable<long>? likelyFractions = null)
    {
        var start = TruncateToMicroseconds(from);
        foreach (var fraction in likelyFractions ?? [])
        {
            for (var second = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond)); second <= to; second = second.AddSeconds(1))
            {
                var candidate = second.AddTicks(fraction);
                if (candidate >= start && candidate <= to && For(entry, candidate) == taskId) return candidate;
            }
        }
        // Backwards from the newest candidate in 100 ms windows: a run usually reaches the broker within milliseconds of its slot.
        var window = TimeSpan.FromMilliseconds(100);
        for (var end = TruncateToMicroseconds(to); end >= start; end -= window)
        {
            var low = end - window < start ? start : end - window + TimeSpan.FromTicks(10);
            var micros = (end - low).Ticks / 10 + 1;
            DateTimeOffset? found = null;
            Parallel.For(0L, micros, (i, loop) =>
            {
                var candidate = low.AddTicks(i * 10);
                if (For(entry, candidate) != taskId) return;
                found = candidate;
                loop.Stop();
            });
            if (found is not null) return found;
        }
        return null;
    }

    /// <summary>Ticks past the whole second (what entries anchored at the same instant share).</summary>
    public static long FractionTicks(DateTimeOffset slot) => slot.UtcTicks % TimeSpan.TicksPerSecond;

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);
}
