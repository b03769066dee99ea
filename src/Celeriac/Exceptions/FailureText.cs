using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Exceptions;

/// <summary>
/// Bounds what a failure writes: the exception's args (<c>exc_message</c>), the traceback and the
/// log lines made from them. .NET messages often quote their input (<c>long.Parse</c>, <c>Convert</c>,
/// <c>Enum.Parse</c>) and a traceback repeats the message, so without a bound one failing task with
/// a 50 MB argument stored ~100 MB and logged 50 MB per failure. Python's own messages rarely quote
/// their input, which is why Celery needs no such bound; its reprs of args are cut at 1024
/// characters (<c>argsrepr_maxsize</c>), which is the same idea.
/// </summary>
internal static class FailureText
{
    /// <summary>Characters of text kept in an exception's args, all strings (and keys) together.</summary>
    public const int MessageMaxLength = 4096;

    /// <summary>Characters kept of a traceback: its head and, mostly, its tail (where the stack ends).</summary>
    public const int TracebackMaxLength = 32 * 1024;

    /// <summary>A copy of <paramref name="args"/> whose text fits <see cref="MessageMaxLength"/>; the same node when it already does.</summary>
    public static JsonNode? CapArguments(JsonNode? args)
    {
        var budget = MessageMaxLength;
        if (Fits(args, ref budget)) return args;
        budget = MessageMaxLength;
        return Capped(args, ref budget);
    }

    /// <summary><paramref name="text"/> cut to <paramref name="maxLength"/> characters, saying how long it was.</summary>
    public static string Cut(string text, int maxLength = MessageMaxLength)
    {
        if (text.Length <= maxLength) return text;
        var keep = Math.Max(0, maxLength);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1])) keep--; // never split a surrogate pair
        return string.Concat(text.AsSpan(0, keep), $"... ({text.Length} characters, cut)");
    }

    /// <summary>A traceback over <see cref="TracebackMaxLength"/>: its first quarter and its last three quarters.</summary>
    public static string CapTraceback(string traceback)
    {
        if (traceback.Length <= TracebackMaxLength) return traceback;
        var head = TracebackMaxLength / 4;
        var tail = TracebackMaxLength - head;
        if (char.IsHighSurrogate(traceback[head - 1])) head--;
        if (char.IsLowSurrogate(traceback[^tail])) tail--;
        return string.Concat(traceback.AsSpan(0, head),
            $"\n... ({traceback.Length - head - tail} characters of {traceback.Length} cut) ...\n",
            traceback.AsSpan(traceback.Length - tail));
    }

    private static bool Fits(JsonNode? node, ref int budget)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                    if (!Fits(item, ref budget)) return false;
                return true;
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    budget -= key.Length;
                    if (budget < 0 || !Fits(value, ref budget)) return false;
                }
                return true;
            case null:
                return true;
            default:
                budget -= ScalarLength(node);
                return budget >= 0;
        }
    }

    private static JsonNode? Capped(JsonNode? node, ref int budget)
    {
        switch (node)
        {
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    if (budget <= 0)
                    {
                        items.Add("...");
                        break;
                    }
                    items.Add(Capped(item, ref budget));
                }
                return items;
            case JsonObject obj:
                var members = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (budget <= 0) break;
                    var name = Cut(key, budget);
                    budget -= name.Length;
                    if (!members.ContainsKey(name)) members[name] = Capped(value, ref budget);
                }
                return members;
            case null:
                return null;
            default:
                var length = ScalarLength(node);
                if (length <= budget)
                {
                    budget -= length;
                    return node.DeepClone();
                }
                // A string or a number too long for what is left: kept as cut text.
                var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : Celeriac.Protocol.Json.CeleryJson.ToJsonString(node);
                var cut = Cut(text, budget);
                budget = 0;
                return cut;
        }
    }

    private static int ScalarLength(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>().Length,
        JsonValueKind.Number => Celeriac.Protocol.Json.CeleryJson.ToJsonString(node).Length,
        _ => 5,
    };
}
