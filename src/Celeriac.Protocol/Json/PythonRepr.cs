using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Json;

/// <summary>
/// Python <c>repr()</c> of JSON values, for the display-only text Python writes with the real
/// <c>repr</c>: exception reprs (<c>ValueError('boom')</c>) in task events and chord errors
/// (docs/protocol.md §4.4, §6.3). Celery 5.2 computes <c>argsrepr</c>, <c>kwargsrepr</c> and the
/// <c>task-succeeded</c> result with its own <c>saferepr</c> instead: use <see cref="PythonSafeRepr"/> for those.
/// </summary>
internal static class PythonRepr
{
    /// <summary>Celery's length limit for reprs in headers and events (<c>argsrepr_maxsize</c>, <c>resultrepr_maxsize</c>).</summary>
    public const int MaxLength = 1024;

    // Per-message hot path (a client's sends and waits too): compiled optimized at once. Tiered
    // compilation would run it unoptimized, then instrumented, through a process's first seconds.
    /// <summary>Repr of any JSON value: <c>None</c>, <c>True</c>, <c>'text'</c>, <c>[1, 2]</c>, <c>{'k': 1}</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Format(JsonNode? node, int maxLength = MaxLength)
    {
        var sb = new StringBuilder();
        Writer.Append(sb, node, maxLength);
        return Truncate(sb, maxLength);
    }

    /// <summary>Repr of positional arguments as a tuple, as <c>delay()</c> shows them: <c>(2, 3)</c>, <c>(1,)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string FormatTuple(JsonArray args, int maxLength = MaxLength)
    {
        var sb = new StringBuilder("(");
        for (var i = 0; i < args.Count; i++)
        {
            if (sb.Length > maxLength) break; // cut below anyway: the rest is never printed
            if (i > 0) sb.Append(", ");
            Writer.Append(sb, args[i], maxLength);
        }
        if (args.Count == 1) sb.Append(',');
        sb.Append(')');
        return Truncate(sb, maxLength);
    }

    /// <summary>Repr of a .NET string as a Python <c>str</c>.</summary>
    public static string FormatString(string value)
    {
        var sb = new StringBuilder();
        AppendString(sb, value);
        return sb.ToString();
    }

    private static string Truncate(StringBuilder sb, int maxLength) =>
        sb.Length <= maxLength ? sb.ToString() : sb.ToString(0, maxLength);

    private static readonly PythonContainerWriter Writer = new("None", AppendString, AppendScalar);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendScalar(StringBuilder sb, JsonValue value, int stopAt)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.True: sb.Append("True"); break;
            case JsonValueKind.False: sb.Append("False"); break;
            case JsonValueKind.Null: sb.Append("None"); break;
            case JsonValueKind.String: AppendString(sb, value.GetValue<string>(), stopAt); break;
            case JsonValueKind.Number: AppendNumber(sb, value); break;
            default: sb.Append(value.ToJsonString()); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendNumber(StringBuilder sb, JsonValue value)
    {
        // The JSON text tells int from float as Python's json module does: no '.', 'e' → int.
        var text = CeleryJson.NumberToken(value);
        if (text.IndexOfAny(['.', 'e', 'E']) < 0)
        {
            // Python's json tokens for a float NaN or infinity have none either; repr writes them so.
            sb.Append(text switch { "NaN" => "nan", "Infinity" => "inf", "-Infinity" => "-inf", _ => text });
            return;
        }
        sb.Append(FormatFloat(CeleryJson.AsDouble(value) ?? double.NaN));
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, always with a '.' or exponent.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var sign = r.StartsWith('-') ? "-" : "";
        if (sign.Length > 0) r = r[1..];
        if (d == 0) return sign + "0.0";

        // Split the shortest digits from where the decimal point goes, then lay them out as Python
        // does: positional for exponents -4..15, scientific (1e+16, 1.5e-05) outside.
        var ePos = r.IndexOfAny(['E', 'e']);
        var exp10 = ePos >= 0 ? int.Parse(r[(ePos + 1)..], CultureInfo.InvariantCulture) : 0;
        var mantissa = ePos >= 0 ? r[..ePos] : r;
        var dot = mantissa.IndexOf('.');
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var point = (dot < 0 ? mantissa.Length : dot) + exp10;
        while (digits.Length > 1 && digits[0] == '0') { digits = digits[1..]; point--; }
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";

        var sciExp = point - 1;
        if (sciExp < -4 || sciExp >= 16)
        {
            var m = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            return $"{sign}{m}e{(sciExp < 0 ? '-' : '+')}{Math.Abs(sciExp):D2}";
        }
        if (point <= 0) return sign + "0." + new string('0', -point) + digits;
        if (point >= digits.Length) return sign + digits + new string('0', point - digits.Length) + ".0";
        return sign + digits[..point] + "." + digits[point..];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendString(StringBuilder sb, string s) => AppendString(sb, s, int.MaxValue);

    // Stops once the builder is longer than stopAt: the caller cuts there, so the rest would be thrown away.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendString(StringBuilder sb, string s, int stopAt)
    {
        // Python prefers single quotes, switching to double quotes when the text has ' and no ".
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            if (sb.Length > stopAt) return;
            var c = s[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
            }
            if (c == quote)
            {
                sb.Append('\\').Append(c);
                continue;
            }
            // Work on code points so an astral character (emoji) is judged, and kept, whole.
            var length = char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
            var codePoint = length == 2 ? char.ConvertToUtf32(c, s[i + 1]) : c;
            if (IsPrintable(codePoint)) sb.Append(s, i, length);
            else AppendEscape(sb, codePoint);
            i += length - 1;
        }
        sb.Append(quote);
    }

    /// <summary>
    /// Python's <c>str.isprintable()</c> for one code point: everything but control, format,
    /// surrogate, private-use and unassigned characters and separators other than the ASCII space.
    /// </summary>
    private static bool IsPrintable(int codePoint)
    {
        if (codePoint == ' ') return true;
        if (codePoint is >= 0xD800 and <= 0xDFFF) return false; // a lone surrogate
        return CharUnicodeInfo.GetUnicodeCategory(codePoint) is not (
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or
            UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or
            UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
    }

    private static void AppendEscape(StringBuilder sb, int codePoint)
    {
        var hex = codePoint.ToString("x", CultureInfo.InvariantCulture);
        if (codePoint < 0x100) sb.Append("\\x").Append(hex.PadLeft(2, '0'));
        else if (codePoint < 0x10000) sb.Append("\\u").Append(hex.PadLeft(4, '0'));
        else sb.Append("\\U").Append(hex.PadLeft(8, '0'));
    }
}
