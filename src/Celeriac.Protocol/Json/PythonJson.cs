using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Json;

/// <summary>
/// JSON text exactly as Python's <c>json.dumps</c> writes it with its defaults (what kombu's
/// <c>dumps</c> uses): <c>", "</c> and <c>": "</c> separators, <c>ensure_ascii</c> (everything
/// outside printable ASCII as lowercase <c>\uXXXX</c>, astral characters as surrogate pairs), and
/// floats as Python's <c>repr</c> (<c>2.0</c>, <c>1e+16</c>). For the few places where a Python
/// peer compares bytes rather than values: members of the chord join's sorted set (docs/protocol.md §4.8),
/// where the same part written twice must be the same member.
/// </summary>
/// <example><c>PythonJson.Dumps(new JsonArray(1, "id", "SUCCESS", 4))</c> is <c>[1, "id", "SUCCESS", 4]</c>.</example>
internal static class PythonJson
{
    /// <summary>The JSON text of <paramref name="node"/> as <c>json.dumps</c> writes it.</summary>
    public static string Dumps(JsonNode? node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    /// <summary>The same text as UTF-8 bytes (all ASCII).</summary>
    public static byte[] DumpsUtf8(JsonNode? node) => Encoding.ASCII.GetBytes(Dumps(node));

    private static readonly PythonContainerWriter Writer = new("null", AppendString, AppendScalar);

    private static void Append(StringBuilder sb, JsonNode? node) => Writer.Append(sb, node);

    private static void AppendScalar(StringBuilder sb, JsonValue value, int stopAt)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.True: sb.Append("true"); break;
            case JsonValueKind.False: sb.Append("false"); break;
            case JsonValueKind.Null: sb.Append("null"); break;
            case JsonValueKind.String: AppendString(sb, value.GetValue<string>()); break;
            case JsonValueKind.Number: AppendNumber(sb, CeleryJson.NumberToken(value)); break;
            default: throw new ArgumentException($"not a JSON value: {value.GetValueKind()}", nameof(value));
        }
    }

    // Python's json reads a number without '.', 'e' or 'E' as an int (written back digit for digit)
    // and anything else as a float (written back as its repr). NaN, Infinity and -Infinity have
    // neither either, and json.dumps writes them back as those same tokens.
    private static void AppendNumber(StringBuilder sb, string text)
    {
        if (text.IndexOfAny(['.', 'e', 'E']) < 0)
        {
            sb.Append(text == "-0" ? "0" : text);
            return;
        }
        var d = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        // 1e400 reads as inf in Python, which json.dumps writes as Infinity (allow_nan).
        sb.Append(double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PythonRepr.FormatFloat(d));
    }

    // json.encoder.py_encode_basestring_ascii: \" \\ \n \r \t \b \f by name, every other code unit
    // outside ' '..'~' (so controls, DEL and all non-ASCII) as \u with four lowercase hex digits.
    private static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c is >= ' ' and <= '~') sb.Append(c);
                    else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }
        }
        sb.Append('"');
    }
}
