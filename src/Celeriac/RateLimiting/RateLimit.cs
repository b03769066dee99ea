using System.Globalization;

namespace Celeriac.RateLimiting;

/// <summary>
/// A rate in Celery's notation (docs/protocol.md §5.9): <c>"10/s"</c>, <c>"100/m"</c>, <c>"1000/h"</c>,
/// <c>"0.5/s"</c>, or a plain number per second. Zero or empty means no limit.
/// </summary>
internal readonly record struct RateLimit(double PerSecond)
{
    /// <summary>No limit.</summary>
    public static RateLimit None => default;

    /// <summary>True when this rate limits anything.</summary>
    public bool IsLimited => PerSecond > 0;

    /// <summary>Time between two tokens.</summary>
    public TimeSpan Interval => IsLimited ? TimeSpan.FromSeconds(1 / PerSecond) : TimeSpan.Zero;

    /// <summary>Parses Celery's notation; throws <see cref="FormatException"/> with the offending text.</summary>
    public static RateLimit Parse(string? text)
    {
        if (TryParse(text, out var rate)) return rate;
        throw new FormatException($"Invalid rate limit string: '{text}' (expected e.g. \"10/s\", \"100/m\", \"1000/h\")");
    }

    /// <summary>Non-throwing form of <see cref="Parse"/>.</summary>
    public static bool TryParse(string? text, out RateLimit rate)
    {
        rate = None;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var parts = text.Trim().Split('/', 2);
        if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0 || double.IsNaN(n) || double.IsInfinity(n))
            return false;
        var divisor = parts.Length == 1 ? 1.0 : parts[1].Trim() switch
        {
            "s" or "" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => double.NaN,
        };
        if (double.IsNaN(divisor)) return false;
        rate = new RateLimit(n / divisor);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => IsLimited ? $"{PerSecond.ToString(CultureInfo.InvariantCulture)}/s" : "none";
}
