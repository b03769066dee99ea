using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Protocol.Json;
using static Celeriac.Beat.Json.BeatEntryJson;

namespace Celeriac.Beat.Json;

/// <summary>
/// An entry's <c>options</c>: the <c>apply_async</c> keywords Celery's beat passes with each run
/// (docs/protocol.md §8.3), as <see cref="TaskSendOptions"/>. <c>expires</c> is seconds counted
/// from each publish, or an ISO instant. Keywords that cannot mean anything for a periodic run are
/// refused with the reason (a fixed <c>task_id</c> or <c>eta</c>, canvas links), and so are ones
/// Celeriac does not honour, rather than dropped.
/// </summary>
internal static class BeatOptionsJson
{
    private static readonly string[] Supported =
        ["queue", "exchange", "routing_key", "priority", "expires", "headers", "time_limit", "soft_time_limit", "countdown", "shadow", "ignore_result", "serializer"];

    public static TaskSendOptions Read(string name, JsonNode? node)
    {
        if (node is null) return new TaskSendOptions();
        if (node is not JsonObject options) throw Error(name, "options", $"must be an object of apply_async options, not {Describe(node)}");
        foreach (var (key, value) in options)
        {
            if (Supported.Contains(key)) continue;
            throw Error(name, "options", key switch
            {
                "task_id" => "\"task_id\" cannot be fixed: each run gets its own id from the entry and its scheduled instant",
                "eta" => "\"eta\" is one instant and would hold every run; use \"countdown\" (seconds after each run's publish)",
                "link" or "link_error" or "chain" or "chord" or "group_id" or "group_index" or "parent_id" or "root_id" or "reply_to" =>
                    $"\"{key}\" is a canvas field; schedule a task that starts the workflow instead",
                _ => $"\"{key}\" is not supported in a beat entry; supported: {string.Join(", ", Supported)}",
            });
        }
        if (options["serializer"] is { } serializer && !(serializer is JsonValue s && s.TryGetValue<string>(out var format) && format == "json"))
            throw Error(name, "options", $"\"serializer\" can only be \"json\", not {Describe(serializer)}");
        if (options["expires"] is { } expires && expires.GetValueKind() is not (JsonValueKind.Number or JsonValueKind.String))
            throw Error(name, "options", $"\"expires\" must be seconds or an ISO instant, not {Describe(expires)}");

        return new TaskSendOptions
        {
            Queue = Text(name, options, "queue"),
            Exchange = Text(name, options, "exchange"),
            RoutingKey = Text(name, options, "routing_key"),
            Priority = options["priority"] switch
            {
                null => null,
                var p when CeleryJson.AsInt64(p) is { } priority and >= 0 and <= 255 => (int)priority,
                var p => throw Error(name, "options", $"\"priority\" must be a whole number 0–255, not {Describe(p)}"),
            },
            ExpiresIn = options["expires"]?.GetValueKind() == JsonValueKind.Number ? Seconds(name, options, "expires") : null,
            Expires = options["expires"] is JsonValue e && e.GetValueKind() == JsonValueKind.String ? Instant(name, e) : null,
            Headers = options["headers"] switch
            {
                null => null,
                JsonObject h => h.ToDictionary(p => p.Key, p => (object?)p.Value?.DeepClone()),
                var other => throw Error(name, "options", $"\"headers\" must be an object, not {Describe(other)}"),
            },
            TimeLimit = Seconds(name, options, "time_limit"),
            SoftTimeLimit = Seconds(name, options, "soft_time_limit"),
            Countdown = Seconds(name, options, "countdown"),
            Shadow = Text(name, options, "shadow"),
            IgnoreResult = options["ignore_result"] switch
            {
                null => null,
                var b when b.GetValueKind() is JsonValueKind.True or JsonValueKind.False => b.GetValueKind() == JsonValueKind.True,
                var other => throw Error(name, "options", $"\"ignore_result\" must be true or false, not {Describe(other)}"),
            },
        };
    }

    /// <summary>The options as Celery's <c>options</c> dict holds them (only what is set).</summary>
    public static JsonObject Write(TaskSendOptions options) => SignatureOptions.FromSendOptions(options);

    private static string? Text(string name, JsonObject options, string key) => options[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        var other => throw Error(name, "options", $"\"{key}\" must be a string, not {Describe(other)}"),
    };

    private static TimeSpan? Seconds(string name, JsonObject options, string key)
    {
        var node = options[key];
        if (node is null) return null;
        return CeleryJson.AsDouble(node) is { } seconds and >= 0 && double.IsFinite(seconds)
            ? BeatScheduleJson.Seconds(seconds)
            : throw Error(name, "options", $"\"{key}\" must be a number of seconds ≥ 0, not {Describe(node)}");
    }

    private static DateTimeOffset Instant(string name, JsonValue node) =>
        node.TryGetValue<string>(out var text) && PythonDateTime.TryParse(text, out var instant)
            ? instant
            : throw Error(name, "options", $"\"expires\" must be seconds or an ISO instant, not {Describe(node)}");
}
