using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Json;

/// <summary>
/// Celery 5.2's <c>saferepr</c> (celery/utils/saferepr.py) of JSON values: what Python writes in the
/// <c>argsrepr</c>/<c>kwargsrepr</c> headers and the <c>result</c> of <c>task-succeeded</c> events.
/// It differs from <c>repr()</c> (<see cref="PythonRepr"/>): strings are always single-quoted with
/// only <c>'</c> escaped (newlines and non-printables are written raw), containers nested
/// <see cref="DefaultMaxLevels"/> deep become <c>[...]</c>, and the length budget is spent token by
/// token, each string cut at a word with <c>...</c> and the output ended with <c>, ...</c> plus the
/// brackets still open — quirks included, so our headers match Python's byte for byte.
/// </summary>
internal static class PythonSafeRepr
{
    /// <summary>Celery's default nesting limit: deeper containers print as <c>[...]</c>, <c>{...}</c>.</summary>
    public const int DefaultMaxLevels = 3;

    private enum Kind { Open, Close, Separator, Quoted, Text }

    private readonly record struct Token(Kind Kind, string Text, int Container = -1);

    /// <summary><c>saferepr(value, maxLength)</c>; pass <see cref="int.MaxValue"/> for no length limit.</summary>
    public static string Format(JsonNode? node, int maxLength = PythonRepr.MaxLength, int maxLevels = DefaultMaxLevels)
    {
        var tokens = new List<Token>();
        Flatten(tokens, node, asTuple: false, depth: 0, maxLevels);
        return Render(tokens, maxLength);
    }

    /// <summary><c>saferepr(tuple(args), maxLength)</c>, as <c>apply_async</c> writes <c>argsrepr</c>: <c>(2, 3)</c>, <c>(1,)</c>.</summary>
    public static string FormatTuple(JsonArray args, int maxLength = PythonRepr.MaxLength, int maxLevels = DefaultMaxLevels)
    {
        var tokens = new List<Token>();
        Flatten(tokens, args, asTuple: true, depth: 0, maxLevels);
        return Render(tokens, maxLength);
    }

    private static void Flatten(List<Token> tokens, JsonNode? node, bool asTuple, int depth, int maxLevels)
    {
        switch (node)
        {
            case JsonObject obj:
                Container(tokens, "{", "}", depth, maxLevels, obj.Count, i =>
                {
                    var (key, value) = obj.GetAt(i);
                    tokens.Add(new Token(Kind.Quoted, key)); // a key is saferepr'd on its own: a quoted string
                    tokens.Add(new Token(Kind.Separator, ": "));
                    Flatten(tokens, value, false, depth + 1, maxLevels);
                });
                return;
            case JsonArray array:
                var close = asTuple ? (array.Count == 1 ? ",)" : ")") : "]";
                Container(tokens, asTuple ? "(" : "[", close, depth, maxLevels, array.Count,
                    i => Flatten(tokens, array[i], false, depth + 1, maxLevels));
                return;
            case null:
                tokens.Add(new Token(Kind.Text, "None"));
                return;
        }
        tokens.Add(node.GetValueKind() switch
        {
            JsonValueKind.String => new Token(Kind.Quoted, node.GetValue<string>()),
            JsonValueKind.True => new Token(Kind.Text, "True"),
            JsonValueKind.False => new Token(Kind.Text, "False"),
            JsonValueKind.Null => new Token(Kind.Text, "None"),
            // str() of a number: ints as written, floats as Python's repr.
            _ => new Token(Kind.Text, PythonRepr.Format(node, int.MaxValue)),
        });
    }

    private static void Container(List<Token> tokens, string open, string close, int depth, int maxLevels, int count, Action<int> item)
    {
        if (maxLevels > 0 && depth >= maxLevels)
        {
            tokens.Add(new Token(Kind.Text, open + "..." + close));
            return;
        }
        var id = tokens.Count; // the opener's index identifies the container
        tokens.Add(new Token(Kind.Open, open, id));
        for (var i = 0; i < count; i++)
        {
            if (i > 0) tokens.Add(new Token(Kind.Separator, ", "));
            item(i);
        }
        tokens.Add(new Token(Kind.Close, close, id));
    }

    private static string Render(List<Token> tokens, int maxLength)
    {
        var sb = new StringBuilder();
        long remaining = maxLength;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (remaining <= 0)
            {
                // Python drops the token at hand, writes ', ...', then the brackets of every
                // container it had already opened (including one opened by the dropped token).
                sb.Append(", ...");
                for (var j = i + 1; j < tokens.Count; j++)
                    if (tokens[j].Kind is Kind.Open or Kind.Close && tokens[j].Container <= i) sb.Append(tokens[j].Text);
                break;
            }
            var limit = (int)Math.Min(remaining, int.MaxValue);
            var text = tokens[i].Kind switch
            {
                Kind.Quoted => "'" + Truncate(tokens[i].Text, limit).Replace("'", "\\'", StringComparison.Ordinal) + "'",
                Kind.Text => Truncate(tokens[i].Text, limit),
                _ => tokens[i].Text,
            };
            sb.Append(text);
            remaining -= text.Length;
        }
        return sb.ToString();
    }

    /// <summary>celery.utils.text.truncate: at or over the limit, cut, back off to the last space, add '...'.</summary>
    private static string Truncate(string s, int maxLength)
    {
        if (maxLength <= 0 || s.Length < maxLength) return s;
        var cut = s[..maxLength];
        var space = cut.LastIndexOf(' ');
        return (space >= 0 ? cut[..space] : cut) + "...";
    }
}
