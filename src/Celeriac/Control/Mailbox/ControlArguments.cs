using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control.Mailbox;

/// <summary>
/// A request's keyword arguments, read as Celery's handlers take them: keys a command does not know
/// are ignored, a value of the wrong type is a <see cref="ControlArgumentException"/> (an error
/// reply, the worker goes on). Numbers and booleans may come as text, as the CLI sends some.
/// </summary>
internal sealed class ControlArguments(JsonObject values)
{
    /// <summary>The raw arguments (for handlers that pass them on whole).</summary>
    public JsonObject Values { get; } = values;

    /// <summary>An optional string; absent or null gives null.</summary>
    public string? String(string name) => Node(name) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw Wrong(name, "a string", other),
    };

    /// <summary>A required string.</summary>
    public string RequiredString(string name) =>
        String(name) ?? throw new ControlArgumentException($"missing required argument '{name}'");

    /// <summary>An optional integer (a number, or its text); absent or null gives null.</summary>
    public int? Int(string name)
    {
        var node = Node(name);
        if (node is null) return null;
        if (CeleryJson.AsInt64(node) is { } l && l is >= int.MinValue and <= int.MaxValue) return (int)l;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && int.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        throw Wrong(name, "an integer", node);
    }

    /// <summary>A flag: JSON booleans, numbers (Python truthiness) or Celery's <c>strtobool</c> words.</summary>
    public bool Bool(string name, bool fallback = false)
    {
        var node = Node(name);
        if (node is null) return fallback;
        switch (node.GetValueKind())
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Number: return CeleryJson.AsDouble(node) != 0;
            case JsonValueKind.String:
                return node.GetValue<string>().Trim().ToLowerInvariant() switch
                {
                    "true" or "yes" or "y" or "on" or "1" => true,
                    "false" or "no" or "n" or "off" or "0" or "" => false,
                    var text => throw new ControlArgumentException($"'{name}' must be a boolean, not '{text}'"),
                };
            default: throw Wrong(name, "a boolean", node);
        }
    }

    /// <summary>Celery's <c>maybe_list</c>: one string or a list of strings; absent or null gives an empty list.</summary>
    public IReadOnlyList<string> StringList(string name)
    {
        var node = Node(name);
        return node switch
        {
            null => [],
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
            JsonArray a => a.Select(item => item is JsonValue s && s.GetValueKind() == JsonValueKind.String
                ? s.GetValue<string>()
                : throw Wrong(name, "a list of strings", node)).ToList(),
            _ => throw Wrong(name, "a string or a list of strings", node),
        };
    }

    /// <summary>An optional object (a <c>hello</c>'s revoked set); absent or null gives null.</summary>
    public JsonObject? Object(string name) => Node(name) switch
    {
        null => null,
        JsonObject o => o,
        var other => throw Wrong(name, "an object", other),
    };

    private JsonNode? Node(string name) => Values.TryGetPropertyValue(name, out var node) ? node : null;

    private static ControlArgumentException Wrong(string name, string expected, JsonNode node) =>
        new($"'{name}' must be {expected}, not {CeleryJson.ToJsonString(node)}");
}
