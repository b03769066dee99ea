using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;

namespace Celeriac.Canvas;

/// <summary>
/// Turns a signature's <c>options</c> (Celery's <c>apply_async</c> keywords) into the send
/// options of one message, as Python's <c>Task.apply_async</c> → <c>send_task</c> maps them
/// (docs/protocol.md §1.5): <c>task_id</c> → id, <c>group_id</c>/<c>group_index</c> → group headers,
/// <c>link</c>/<c>link_error</c>/<c>chain</c>/<c>chord</c> → embed, routing, timing, limits,
/// priority, headers. Keys Celeriac does not use are ignored, as Python's producer ignores them.
/// </summary>
internal static class SignatureOptions
{
    /// <summary>The send options for <paramref name="options"/>. Throws <see cref="InvalidMessageException"/> on a value of the wrong type.</summary>
    public static TaskSendOptions ToSendOptions(JsonObject options)
    {
        try
        {
            return new TaskSendOptions
            {
                TaskId = CeleryJson.GetString(options, "task_id"),
                Queue = NameOf(options["queue"]),
                Exchange = NameOf(options["exchange"]),
                RoutingKey = CeleryJson.GetString(options, "routing_key"),
                Countdown = Seconds(options, "countdown"),
                Eta = Instant(options["eta"]),
                // expires is seconds from now or an instant (Celery accepts both).
                Expires = options["expires"] is { } e && e.GetValueKind() != JsonValueKind.Number ? Instant(e) : null,
                ExpiresIn = Seconds(options, "expires"),
                Priority = (int?)CeleryJson.GetInt64(options, "priority"),
                Headers = options["headers"] is JsonObject h ? h.ToDictionary(p => p.Key, p => (object?)p.Value?.DeepClone()) : null,
                TimeLimit = Seconds(options, "time_limit"),
                SoftTimeLimit = Seconds(options, "soft_time_limit"),
                Shadow = CeleryJson.GetString(options, "shadow"),
                IgnoreResult = options["ignore_result"] is null ? null : CeleryJson.GetBool(options, "ignore_result"),
                GroupId = CeleryJson.GetString(options, "group_id"),
                GroupIndex = (int?)CeleryJson.GetInt64(options, "group_index"),
                ParentId = CeleryJson.GetString(options, "parent_id"),
                RootId = CeleryJson.GetString(options, "root_id"),
                ReplyTo = CeleryJson.GetString(options, "reply_to"),
                Embed = Embed(options),
                ReplacedTaskNesting = (int?)CeleryJson.GetInt64(options, "replaced_task_nesting"),
            };
        }
        catch (FormatException ex)
        {
            throw new InvalidMessageException($"bad signature option: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The options JSON Celery's <c>sig.set(**options)</c> would hold for <paramref name="send"/>:
    /// seconds as numbers, instants as ISO text the way kombu 5.2 encodes a datetime (UTC as <c>Z</c>).
    /// Only what is set is written.
    /// </summary>
    public static JsonObject FromSendOptions(TaskSendOptions send)
    {
        var o = new JsonObject();
        Put(o, "task_id", send.TaskId);
        Put(o, "queue", send.Queue);
        Put(o, "exchange", send.Exchange);
        Put(o, "routing_key", send.RoutingKey);
        Put(o, "countdown", send.Countdown?.TotalSeconds);
        Put(o, "eta", send.Eta is { } eta ? KombuIso(eta) : null);
        // An instant, else seconds from now: Celery's apply_async accepts both under one key.
        if (send.Expires is { } at) Put(o, "expires", KombuIso(at));
        else Put(o, "expires", send.ExpiresIn?.TotalSeconds);
        Put(o, "priority", send.Priority);
        if (send.Headers is { } headers)
            o["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, Serialization.CeleriacJson.ToNode(h.Value, Serialization.CeleriacJson.CreateDefaultOptions()))));
        Put(o, "time_limit", send.TimeLimit?.TotalSeconds);
        Put(o, "soft_time_limit", send.SoftTimeLimit?.TotalSeconds);
        Put(o, "shadow", send.Shadow);
        Put(o, "ignore_result", send.IgnoreResult);
        Put(o, "group_id", send.GroupId);
        Put(o, "group_index", send.GroupIndex);
        Put(o, "parent_id", send.ParentId);
        Put(o, "root_id", send.RootId);
        Put(o, "reply_to", send.ReplyTo);
        return o;
    }

    private static void Put(JsonObject o, string key, JsonNode? value)
    {
        if (value is not null) o[key] = value;
    }

    private static string KombuIso(DateTimeOffset instant)
    {
        var text = PythonDateTime.Format(instant);
        return text.EndsWith("+00:00", StringComparison.Ordinal) ? text[..^6] + "Z" : text;
    }

    private static TaskEmbed? Embed(JsonObject options)
    {
        var embed = TaskEmbed.FromJson(new JsonObject
        {
            ["callbacks"] = options["link"]?.DeepClone(),
            ["errbacks"] = options["link_error"]?.DeepClone(),
            ["chain"] = options["chain"]?.DeepClone(),
            ["chord"] = options["chord"]?.DeepClone(),
        });
        return embed.IsEmpty ? null : embed;
    }

    private static TimeSpan? Seconds(JsonObject options, string name) =>
        options[name]?.GetValueKind() == JsonValueKind.Number && CeleryJson.GetDouble(options, name) is { } s ? TimeSpan.FromSeconds(s) : null;

    /// <summary>An instant as kombu 5.2 writes it (ISO text) or as 5.3 does (<c>{"__type__": "datetime", …}</c>).</summary>
    private static DateTimeOffset? Instant(JsonNode? node) => node switch
    {
        null => null,
        JsonObject { Count: 2 } typed when typed["__value__"] is JsonValue v && v.TryGetValue<string>(out var text) => PythonDateTime.Parse(text),
        JsonValue v when v.TryGetValue<string>(out var text) => PythonDateTime.Parse(text),
        _ => throw new FormatException($"'{Celeriac.Protocol.Json.CeleryJson.ToJsonString(node)}' is not a date and time"),
    };

    /// <summary>A queue or exchange given by name, or as the kombu entity Python serializes as a dict with <c>name</c>.</summary>
    private static string? NameOf(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var name) => name,
        JsonObject o when o["name"] is JsonValue n && n.TryGetValue<string>(out var name) => name,
        _ => throw new FormatException($"'{Celeriac.Protocol.Json.CeleryJson.ToJsonString(node)}' is not a name"),
    };
}
