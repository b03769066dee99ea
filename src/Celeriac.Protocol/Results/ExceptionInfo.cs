using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Results;

/// <summary>
/// An exception as Celery stores it with a JSON result serializer (docs/protocol.md §4.4):
/// <c>{"exc_type", "exc_message": [args...], "exc_module"}</c>.
/// </summary>
/// <param name="Type">Class name, e.g. <c>ValueError</c> or <c>InvalidOperationException</c>.</param>
/// <param name="Arguments">The exception's args: an array (Python writes one), or a scalar from older writers.</param>
/// <param name="Module">Module or namespace, e.g. <c>builtins</c>, <c>celery.exceptions</c>, <c>System</c>.</param>
public sealed record ExceptionInfo(string Type, JsonNode? Arguments, string Module)
{
    /// <summary>Creates exception info whose args are a single message string.</summary>
    public static ExceptionInfo Of(string type, string module, string message) =>
        new(type, new JsonArray(message), module);

    /// <summary>
    /// The message as a reader shows it: the single argument as text, or the args' repr when there
    /// are several (Python's <c>str(exc)</c>; <c>KeyError</c> shows its single key as a repr).
    /// </summary>
    public string Message => Arguments switch
    {
        null => "",
        JsonArray { Count: 0 } => "",
        JsonArray { Count: 1 } key when Type == "KeyError" => PythonRepr.Format(key[0], int.MaxValue),
        JsonArray { Count: 1 } a => Text(a[0]),
        JsonArray a => PythonRepr.FormatTuple(a, int.MaxValue),
        var scalar => Text(scalar),
    };

    /// <summary>Python's <c>repr(exc)</c>, as task events carry it: <c>ValueError('boom')</c>.</summary>
    public string Repr => Arguments switch
    {
        // Celery uses the full repr here (safe_repr), never cut to 1024 characters.
        JsonArray a => Type + (a.Count == 1 ? "(" + PythonRepr.Format(a[0], int.MaxValue) + ")" : PythonRepr.FormatTuple(a, int.MaxValue)),
        null => Type + "()",
        var scalar => Type + "(" + PythonRepr.Format(scalar, int.MaxValue) + ")",
    };

    /// <summary>The JSON object stored in <c>result</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["exc_type"] = Type,
        ["exc_message"] = Arguments?.DeepClone(),
        ["exc_module"] = Module,
    };

    /// <summary>Reads an exception object; returns null when <paramref name="node"/> is not one.</summary>
    public static ExceptionInfo? FromJson(JsonNode? node)
    {
        if (node is not JsonObject obj || !obj.ContainsKey("exc_type")) return null;
        var type = obj["exc_type"] is JsonValue t && t.TryGetValue<string>(out var ts) ? ts : obj["exc_type"]?.ToJsonString() ?? "Exception";
        var module = obj["exc_module"] is JsonValue m && m.TryGetValue<string>(out var ms) ? ms : "builtins";
        return new ExceptionInfo(type, obj["exc_message"]?.DeepClone(), module);
    }

    private static string Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : PythonRepr.Format(node, int.MaxValue);
}
