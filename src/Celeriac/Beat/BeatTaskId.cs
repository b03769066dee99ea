using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Celeriac.Beat;

/// <summary>
/// The task id of a scheduled run: a UUID v5 (RFC 4122 §4.3, namespace URL) of
/// <c>celeriac-beat:&lt;entry&gt;:&lt;slot as yyyy-MM-ddTHH:mm:ss.ffffffZ&gt;</c>. Derived from the run, not
/// random, so a run published twice (the at-least-once window of a local state file) carries the
/// same id and can be recognised downstream; Python's <c>uuid.uuid5(uuid.NAMESPACE_URL, s)</c> gives the same.
/// </summary>
internal static class BeatTaskId
{
    /// <summary>RFC 4122's URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8, in network byte order.</summary>
    private static readonly byte[] UrlNamespace =
        [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];

    /// <summary>The id of <paramref name="entry"/>'s run scheduled at <paramref name="slot"/>.</summary>
    public static string For(string entry, DateTimeOffset slot) => Uuid5(Name(entry, slot));

    /// <summary>The name hashed for a run.</summary>
    public static string Name(string entry, DateTimeOffset slot) =>
        $"celeriac-beat:{entry}:{slot.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>UUID v5 of <paramref name="name"/> in the URL namespace, lower-case with hyphens.</summary>
    public static string Uuid5(string name)
    {
        var text = Encoding.UTF8.GetBytes(name);
        var input = new byte[UrlNamespace.Length + text.Length];
        UrlNamespace.CopyTo(input, 0);
        text.CopyTo(input, UrlNamespace.Length);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash[..16], bigEndian: true).ToString();
    }
}
