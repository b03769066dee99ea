using System.Globalization;
using System.Runtime.CompilerServices;

namespace Celeriac.Protocol.Json;

/// <summary>
/// Date and time text as Python's <c>datetime.isoformat()</c> writes it and as Celery readers accept it
/// (docs/protocol.md §1.10, §4.2): <c>2026-11-21T05:44:18.707527+00:00</c>, microseconds only when non-zero.
/// </summary>
internal static class PythonDateTime
{
    // Per-message hot path (a client's sends and waits too): compiled optimized at once. Tiered
    // compilation would run it unoptimized, then instrumented, through a process's first seconds.
    /// <summary>Formats an aware instant the way Python does (UTC offset as <c>+HH:MM</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Format(DateTimeOffset value)
    {
        // Python keeps microseconds; .NET ticks are 100 ns, so truncate to whole microseconds.
        var micros = (int)(value.Ticks % TimeSpan.TicksPerSecond / 10);
        var offset = value.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        var core = value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = micros == 0 ? "" : "." + micros.ToString("D6", CultureInfo.InvariantCulture);
        return $"{core}{fraction}{sign}{offset.Hours:D2}:{offset.Minutes:D2}";
    }

    /// <summary>
    /// Formats a naive UTC time as Celery 5.2/5.3 writes <c>date_done</c> (no offset; docs/protocol.md §4.2).
    /// A <see cref="DateTimeKind.Local"/> value is converted to UTC first; an unspecified one is taken as UTC.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string FormatNaiveUtc(DateTime utc)
    {
        // DateTime.Now would otherwise be written as if it were UTC, shifting date_done by the zone offset.
        if (utc.Kind == DateTimeKind.Local) utc = utc.ToUniversalTime();
        var micros = (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10);
        var core = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return micros == 0 ? core : core + "." + micros.ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Parses ISO-8601 as written by any Celery version: with an offset, with kombu 5.2's <c>Z</c>,
    /// or naive (treated as UTC, as Celery does with <c>enable_utc</c>).
    /// </summary>
    public static DateTimeOffset Parse(string text)
    {
        if (TryParse(text, out var value)) return value;
        throw new FormatException($"'{text}' is not an ISO-8601 date and time");
    }

    /// <summary>Non-throwing form of <see cref="Parse"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var styles = DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out value)
               && text.Length >= 10 && char.IsDigit(text[0]);
    }
}
