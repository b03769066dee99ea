using System.Globalization;

namespace Celeriac.Dashboard.Web;

/// <summary>
/// Query-string values read by hand rather than bound, so a malformed one is a 400 with a sentence saying which
/// parameter and why (binding failures are a bare 400).
/// </summary>
internal static class QueryValues
{
    public static bool TryInt(string? text, int fallback, int min, int max, out int value)
    {
        value = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    public static bool TryDouble(string? text, out double? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || v < 0) return false;
        value = v;
        return true;
    }

    /// <summary>An ISO 8601 time, or a Unix timestamp in seconds (Flower's <c>received_start</c> takes a date or a time).</summary>
    public static bool TryTime(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var unix) && double.IsFinite(unix))
        {
            value = DateTimeOffset.UnixEpoch.AddSeconds(unix);
            return true;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)) return false;
        value = t;
        return true;
    }

    public static bool TryBool(string? text, out bool value)
    {
        value = false;
        if (string.IsNullOrWhiteSpace(text)) return true;
        switch (text.Trim().ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "on": value = true; return true;
            case "0" or "false" or "no" or "off": return true;
            default: return false;
        }
    }
}
