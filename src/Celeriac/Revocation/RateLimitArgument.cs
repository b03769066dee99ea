using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Revocation;

/// <summary>
/// The <c>rate_limit</c> argument of the <c>rate_limit</c> command read as Celery's
/// <c>celery.utils.time.rate</c> reads it, with the same outcomes and texts: falsy disables,
/// <c>"n/unit"</c> with unit <c>s</c>, <c>m</c> or <c>h</c>, a bare number is per second; a count that
/// is not a float is a <c>ValueError</c>, an unknown unit a <c>KeyError</c> (docs/protocol.md §5.9).
/// </summary>
internal static class RateLimitArgument
{
    /// <summary>Reads <paramref name="value"/>; on failure <paramref name="error"/> is the reply value Celery gives.</summary>
    public static bool TryRead(JsonNode? value, out RateLimiting.RateLimit rate, out bool disables, out JsonObject? error)
    {
        rate = RateLimiting.RateLimit.None;
        error = null;
        disables = IsFalsy(value);
        if (disables) return true;
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            rate = Positive(CeleryJson.AsDouble(v) ?? 0);
            return true;
        }
        if (value is not JsonValue s || s.GetValueKind() != JsonValueKind.String)
        {
            error = Invalid("ValueError(" + PythonRepr.FormatString($"could not convert string to float: {value?.ToJsonString()}") + ")");
            return false;
        }
        var text = s.GetValue<string>();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var (count, unit) = slash < 0 ? (text, "") : (text[..slash], text[(slash + 1)..]);
        // Python evaluates RATE_MODIFIER_MAP[modifier or 's'] before float(ops): an unknown unit is a KeyError,
        // which no handler catches, so the mailbox replies with its repr.
        double? divisor = (unit.Length == 0 ? "s" : unit) switch { "s" => 1, "m" => 60, "h" => 3600, _ => null };
        if (divisor is null)
        {
            error = new JsonObject { ["error"] = "KeyError(" + PythonRepr.FormatString(unit) + ")" };
            return false;
        }
        if (!TryPythonFloat(count, out var n))
        {
            error = Invalid("ValueError(" + PythonRepr.FormatString("could not convert string to float: " + PythonRepr.FormatString(count)) + ")");
            return false;
        }
        rate = Positive(n / divisor.Value);
        return true;
    }

    private static JsonObject Invalid(string exceptionRepr) => new() { ["error"] = "Invalid rate limit string: " + exceptionRepr };

    // A zero, negative or non-finite rate limits nothing.
    private static RateLimiting.RateLimit Positive(double perSecond) =>
        perSecond > 0 && double.IsFinite(perSecond) ? new RateLimiting.RateLimit(perSecond) : RateLimiting.RateLimit.None;

    private static bool IsFalsy(JsonNode? value) => value switch
    {
        null => true,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null => true,
            JsonValueKind.String => v.GetValue<string>().Length == 0,
            JsonValueKind.Number => CeleryJson.AsDouble(v) == 0,
            _ => false,
        },
        _ => false,
    };

    /// <summary>Python's <c>float(str)</c>: surrounding whitespace, <c>inf</c>/<c>nan</c> in any case, underscores between digits.</summary>
    private static bool TryPythonFloat(string text, out double value)
    {
        var t = text.Trim();
        var unsigned = t.TrimStart('+', '-').ToLowerInvariant();
        if (t.Length - unsigned.Length <= 1 && unsigned is "inf" or "infinity" or "nan")
        {
            value = unsigned == "nan" ? double.NaN : t.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (t.Contains('_', StringComparison.Ordinal))
        {
            for (var i = 0; i < t.Length; i++)
                if (t[i] == '_' && (i == 0 || i == t.Length - 1 || !char.IsAsciiDigit(t[i - 1]) || !char.IsAsciiDigit(t[i + 1]))) { value = 0; return false; }
            t = t.Replace("_", "", StringComparison.Ordinal);
        }
        // AllowThousands is off, so "1,5" fails as in Python; no letters but one exponent mark.
        var letters = t.Count(char.IsLetter);
        if (letters > 1 || (letters == 1 && t.IndexOfAny(['e', 'E']) < 0))
        {
            value = 0;
            return false;
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
