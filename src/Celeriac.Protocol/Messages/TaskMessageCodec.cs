using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// Turns <see cref="BrokerMessage"/>s into <see cref="TaskMessage"/>s and back. Reads protocol v2,
/// v1 (everything in the body) and hybrid messages (v1 body plus v2 headers) as the Python worker
/// does (SPEC §1.12–1.13); writes protocol v2 exactly as Python 5.2 does.
/// </summary>
public static class TaskMessageCodec
{
    /// <summary>Header names the model owns; everything else goes to <see cref="TaskMessage.ExtraHeaders"/>.</summary>
    private static readonly HashSet<string> ModelledHeaders =
    [
        "lang", "task", "id", "shadow", "eta", "expires", "group", "group_index", "retries", "timelimit",
        "root_id", "parent_id", "argsrepr", "kwargsrepr", "origin", "ignore_result", "replaced_task_nesting",
        "compression",
    ];

    /// <summary>
    /// Reads a task message. Throws <see cref="InvalidMessageException"/> when the content type is not
    /// accepted, the body is not JSON or has the wrong shape, or <c>task</c>/<c>id</c> are missing.
    /// </summary>
    /// <param name="message">The message as the transport delivered it.</param>
    /// <param name="accept">Accepted content types (already resolved from serializer names).</param>
    public static TaskMessage Decode(BrokerMessage message, IReadOnlyCollection<string> accept)
    {
        var contentType = message.ContentType.ToLowerInvariant();
        if (!accept.Contains(contentType))
            throw new InvalidMessageException($"content type '{message.ContentType}' is not accepted (accept_content: {string.Join(", ", accept)})");
        if (contentType != ContentTypes.Json)
            throw new InvalidMessageException($"content type '{message.ContentType}' is accepted but cannot be decoded: only JSON is supported");

        var body = ParseBody(message);
        var headers = message.Headers;
        try
        {
            // Python reads a dict body as v1/hybrid when it has 'args', and also when the headers
            // lack 'task' (then args and kwargs default to () and {}; SPEC §1.13).
            if (body is JsonObject legacy && (legacy.ContainsKey("args") || !headers.ContainsKey("task")))
                return FromLegacy(legacy, headers, message.Properties);
            if (!headers.ContainsKey("task"))
                throw new InvalidMessageException("message has no 'task' header and is not a protocol v1 body");
            return FromV2(headers, body, message.Properties);
        }
        catch (FormatException ex)
        {
            throw new InvalidMessageException($"bad header: {ex.Message}", ex);
        }
    }

    /// <summary>Writes a task message as protocol v2 with Python 5.2's header order and body shape.</summary>
    public static BrokerMessage Encode(TaskMessage task)
    {
        var h = new JsonObject
        {
            ["lang"] = task.Lang,
            ["task"] = task.Task,
            ["id"] = task.Id,
            ["shadow"] = task.Shadow,
            ["eta"] = task.Eta is { } eta ? PythonDateTime.Format(eta) : null,
            ["expires"] = task.Expires is { } exp ? PythonDateTime.Format(exp) : null,
            ["group"] = task.Group,
            ["group_index"] = task.GroupIndex,
            ["retries"] = task.Retries,
            ["timelimit"] = new JsonArray(Seconds(task.TimeLimits.Hard), Seconds(task.TimeLimits.Soft)),
            ["root_id"] = task.RootId ?? task.Id,
            ["parent_id"] = task.ParentId,
            // saferepr, as Celery 5.2 computes them (not repr(): see PythonSafeRepr).
            ["argsrepr"] = task.ArgsRepr ?? PythonSafeRepr.FormatTuple(task.Args),
            ["kwargsrepr"] = task.KwargsRepr ?? PythonSafeRepr.Format(task.Kwargs),
            ["origin"] = task.Origin,
            ["ignore_result"] = task.IgnoreResult,
        };
        if (task.ReplacedTaskNesting != 0) h["replaced_task_nesting"] = task.ReplacedTaskNesting;
        foreach (var (key, value) in task.ExtraHeaders)
            if (!h.ContainsKey(key)) h[key] = value?.DeepClone();

        var body = new JsonArray(task.Args.DeepClone(), task.Kwargs.DeepClone(), task.Embed.ToJson());
        var props = task.Properties.Clone();
        props.CorrelationId ??= task.Id;
        return new BrokerMessage(h, props, CeleryJson.ToUtf8Bytes(body));
    }

    /// <summary>A whole number of seconds is written as an integer, as Python writes <c>time_limit=60</c>.</summary>
    internal static JsonNode? Seconds(double? seconds) => seconds switch
    {
        null => null,
        { } s when Math.Floor(s) == s && Math.Abs(s) < 1e15 => JsonValue.Create((long)s),
        { } s => CeleryJson.PythonFloat(s),
    };

    private static JsonNode? ParseBody(BrokerMessage message)
    {
        var bytes = message.Body;
        var compression = message.Headers["compression"];
        if (compression is not null)
            bytes = Decompress(bytes, compression.GetValueKind() == JsonValueKind.String ? compression.GetValue<string>() : compression.ToJsonString());
        try
        {
            return CeleryJson.Parse(bytes.Span);
        }
        catch (JsonException ex)
        {
            throw new InvalidMessageException($"body is not valid JSON: {ex.Message}", ex);
        }
    }

    private static ReadOnlyMemory<byte> Decompress(ReadOnlyMemory<byte> bytes, string kind)
    {
        // Python's "gzip"/"zlib" compression is a zlib (RFC 1950) stream, not a gzip file (SPEC §1.11).
        if (kind is not ("application/x-gzip" or "zlib" or "gzip"))
            throw new InvalidMessageException($"compression '{kind}' is not supported");
        try
        {
            using var input = new MemoryStream(bytes.ToArray());
            using var z = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            z.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidMessageException("compressed body is not a valid zlib stream", ex);
        }
    }

    private static TaskMessage FromV2(JsonObject headers, JsonNode? body, MessageProperties properties)
    {
        if (body is not JsonArray parts || parts.Count != 3)
            throw new InvalidMessageException("protocol v2 body must be a JSON array [args, kwargs, embed]");
        var args = parts[0] switch
        {
            JsonArray a => Detach(parts, 0, a),
            null => new JsonArray(),
            _ => throw new InvalidMessageException("body args is not an array"),
        };
        var kwargs = parts[1] switch
        {
            JsonObject k => Detach(parts, 1, k),
            null => new JsonObject(),
            _ => throw new InvalidMessageException("body kwargs is not an object"),
        };
        var message = ReadHeaders(headers, properties);
        message.Args = args;
        message.Kwargs = kwargs;
        message.Embed = TaskEmbed.FromJson(parts[2]);
        return message;
    }

    /// <summary>
    /// Takes a freshly parsed node out of its parent instead of copying it: the body was parsed for
    /// this call alone, so nothing else can see it change.
    /// </summary>
    private static T Detach<T>(JsonArray parent, int index, T node) where T : JsonNode
    {
        parent[index] = null;
        return node;
    }

    private static TaskMessage FromLegacy(JsonObject body, JsonObject headers, MessageProperties properties)
    {
        // v1/hybrid: headers are built from the body's keys, then the real headers overlay them.
        var merged = new JsonObject();
        foreach (var key in (string[])["lang", "task", "id", "root_id", "parent_id", "group", "meth", "shadow", "eta", "expires", "retries", "timelimit", "argsrepr", "kwargsrepr", "origin"])
            if (body.TryGetPropertyValue(key, out var v)) merged[key] = v?.DeepClone();
        if (body["taskset"] is JsonNode taskset) merged["group"] = taskset.DeepClone();
        if (body["group_index"] is JsonNode gi) merged["group_index"] = gi.DeepClone();
        foreach (var (key, value) in headers) merged[key] = value?.DeepClone();

        var message = ReadHeaders(merged, properties);
        message.Args = body["args"] switch
        {
            JsonArray a => (JsonArray)a.DeepClone(),
            null => new JsonArray(),
            _ => throw new InvalidMessageException("v1 body args is not an array"),
        };
        message.Kwargs = body["kwargs"] switch
        {
            JsonObject k => (JsonObject)k.DeepClone(),
            null => new JsonObject(),
            _ => throw new InvalidMessageException("v1 body kwargs is not an object"),
        };
        message.Embed = new TaskEmbed
        {
            Callbacks = body["callbacks"] as JsonArray is { } cb ? (JsonArray)cb.DeepClone() : null,
            Errbacks = body["errbacks"] as JsonArray is { } eb ? (JsonArray)eb.DeepClone() : null,
            Chord = body["chord"] as JsonObject is { } ch ? (JsonObject)ch.DeepClone() : null,
        };
        return message;
    }

    private static TaskMessage ReadHeaders(JsonObject h, MessageProperties properties)
    {
        var task = CeleryJson.GetString(h, "task");
        var id = CeleryJson.GetString(h, "id");
        if (string.IsNullOrEmpty(task)) throw new InvalidMessageException("message has no 'task' name");
        if (string.IsNullOrEmpty(id)) throw new InvalidMessageException("message has no 'id'");

        var extra = new JsonObject();
        foreach (var (key, value) in h)
            if (!ModelledHeaders.Contains(key)) extra[key] = value?.DeepClone();

        return new TaskMessage
        {
            Lang = CeleryJson.GetString(h, "lang") ?? "py",
            Task = task,
            Id = id,
            Shadow = CeleryJson.GetString(h, "shadow"),
            Eta = ReadTime(h, "eta"),
            Expires = ReadTime(h, "expires"),
            Group = CeleryJson.GetString(h, "group"),
            GroupIndex = (int?)CeleryJson.GetInt64(h, "group_index"),
            Retries = (int)(CeleryJson.GetInt64(h, "retries") ?? 0),
            TimeLimits = ReadTimeLimits(h["timelimit"]),
            RootId = CeleryJson.GetString(h, "root_id"),
            ParentId = CeleryJson.GetString(h, "parent_id"),
            ArgsRepr = CeleryJson.GetString(h, "argsrepr"),
            KwargsRepr = CeleryJson.GetString(h, "kwargsrepr"),
            Origin = CeleryJson.GetString(h, "origin"),
            IgnoreResult = CeleryJson.GetBool(h, "ignore_result"),
            ReplacedTaskNesting = (int)(CeleryJson.GetInt64(h, "replaced_task_nesting") ?? 0),
            ExtraHeaders = extra,
            Properties = properties.Clone(),
        };
    }

    private static DateTimeOffset? ReadTime(JsonObject h, string name)
    {
        var text = CeleryJson.GetString(h, name);
        if (text is null) return null;
        if (PythonDateTime.TryParse(text, out var value)) return value;
        throw new InvalidMessageException($"header '{name}' is not an ISO-8601 time: '{text}'");
    }

    private static TimeLimits ReadTimeLimits(JsonNode? node)
    {
        if (node is null) return TimeLimits.None;
        if (node is not JsonArray { Count: 2 } pair) throw new InvalidMessageException("header 'timelimit' must be [hard, soft]");
        return new TimeLimits(Number(pair[0]), Number(pair[1]));

        static double? Number(JsonNode? n) => n is null ? null
            : CeleryJson.AsDouble(n) is { } d ? d
            : throw new InvalidMessageException("header 'timelimit' must hold numbers or nulls");
    }
}
