using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// Turns <see cref="BrokerMessage"/>s into <see cref="TaskMessage"/>s and back. Reads protocol v2,
/// v1 (everything in the body) and hybrid messages (v1 body plus v2 headers) as the Python worker
/// does (docs/protocol.md §1.12–1.13); writes protocol v2 exactly as Python 5.2 does.
/// </summary>
internal static class TaskMessageCodec
{
    // Per-message hot path: compiled optimized at once. Tiered compilation would run it unoptimized,
    // then instrumented, through a worker's first seconds — most of a short drain.
    /// <summary>
    /// Reads a task message. Throws <see cref="InvalidMessageException"/> when the content type is not
    /// accepted, the body is not JSON or has the wrong shape, or <c>task</c>/<c>id</c> are missing.
    /// </summary>
    /// <param name="message">The message as the transport delivered it.</param>
    /// <param name="accept">Accepted content types (already resolved from serializer names).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TaskMessage Decode(BrokerMessage message, IReadOnlyCollection<string> accept) => Decode(message, accept, 0);

    /// <summary>
    /// Reads a task message no larger than <paramref name="maxMessageSize"/> bytes: the headers and
    /// the body as received, and the body again once inflated — inflating stops as soon as it passes
    /// the limit, so a small compressed body that would inflate to gigabytes never does. Over the
    /// limit throws <see cref="InvalidMessageException"/>; 0 means no limit.
    /// </summary>
    /// <param name="message">The message as the transport delivered it.</param>
    /// <param name="accept">Accepted content types (already resolved from serializer names).</param>
    /// <param name="maxMessageSize">The most bytes a message may have, compressed or inflated; 0 for no limit.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TaskMessage Decode(BrokerMessage message, IReadOnlyCollection<string> accept, long maxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize);
        var headersUtf8 = message.HeadersUtf8();
        if (maxMessageSize > 0)
        {
            var size = (long)headersUtf8.Length + message.Body.Length;
            if (size > maxMessageSize)
                throw new InvalidMessageException($"message is {size} bytes (headers and body), over the {maxMessageSize}-byte limit (worker_max_message_size)");
        }
        var contentType = message.ContentType.ToLowerInvariant();
        if (!accept.Contains(contentType))
            throw new InvalidMessageException($"content type '{message.ContentType}' is not accepted (accept_content: {string.Join(", ", accept)})");
        if (contentType != ContentTypes.Json)
            throw new InvalidMessageException($"content type '{message.ContentType}' is accepted but cannot be decoded: only JSON is supported");

        TaskHeaderReader.Result headers;
        try
        {
            headers = TaskHeaderReader.Read(headersUtf8.Span, message.Properties);
        }
        catch (FormatException ex)
        {
            throw new InvalidMessageException($"bad header: {ex.Message}", ex);
        }
        var body = headers.Compression is { } compression ? Decompress(message.Body, compression, maxMessageSize) : message.Body;
        try
        {
            if (ReadV2(body, headers, nonFinite: false) is { } v2) return v2;
        }
        catch (JsonException) when (NonFiniteJson.TryRewrite(body.Span, out var rewritten))
        {
            // Python's json wrote a NaN or an infinity (allow_nan): read the body again with them as markers.
            try
            {
                if (ReadV2(rewritten, headers, nonFinite: true) is { } v2) return v2;
            }
            catch (JsonException ex)
            {
                throw new InvalidMessageException($"body is not valid JSON: {ex.Message}", ex);
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidMessageException($"body is not valid JSON: {ex.Message}", ex);
        }

        // Not an array: rare (protocol v1, or garbage), so read as nodes.
        var node = ParseBody(body);
        // Python reads a dict body as v1/hybrid when it has 'args', and also when the headers
        // lack 'task' (then args and kwargs default to () and {}; docs/protocol.md §1.13).
        if (node is JsonObject legacy && (legacy.ContainsKey("args") || !headers.HasTask))
            return FromLegacy(legacy, message.Headers, message.Properties);
        if (!headers.HasTask)
            throw new InvalidMessageException("message has no 'task' header and is not a protocol v1 body");
        throw NotV2Body();
    }

    /// <summary>Writes a task message as protocol v2 with Python 5.2's header order and body shape.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    private static JsonNode? ParseBody(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return CeleryJson.Parse(bytes.Span);
        }
        catch (JsonException ex)
        {
            throw new InvalidMessageException($"body is not valid JSON: {ex.Message}", ex);
        }
    }

    private static ReadOnlyMemory<byte> Decompress(ReadOnlyMemory<byte> bytes, string kind, long maxSize)
    {
        // Python's "gzip"/"zlib" compression is a zlib (RFC 1950) stream, not a gzip file (docs/protocol.md §1.11).
        if (kind is not ("application/x-gzip" or "zlib" or "gzip"))
            throw new InvalidMessageException($"compression '{kind}' is not supported");
        // One byte past the limit is room enough to tell "exactly at" from "over".
        var most = maxSize > 0 ? Math.Min(maxSize + 1, Array.MaxLength) : Array.MaxLength;
        try
        {
            using var input = MemoryMarshal.TryGetArray(bytes, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(bytes.ToArray(), writable: false);
            using var z = new ZLibStream(input, CompressionMode.Decompress);
            // Inflated straight into the array the body is read from: no stream copies, no final copy.
            var buffer = new byte[(int)Math.Clamp(bytes.Length * 4L, 256, most)];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= most) break;
                    Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, most));
                }
                var read = z.Read(buffer, length, buffer.Length - length);
                if (read == 0) break;
                length += read;
            }
            if (maxSize > 0 && length > maxSize)
                throw new InvalidMessageException($"compressed body ({bytes.Length} bytes) inflates past the {maxSize}-byte limit (worker_max_message_size); not inflated further");
            return buffer.AsMemory(0, length);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidMessageException("compressed body is not a valid zlib stream", ex);
        }
    }

    private static InvalidMessageException NotV2Body() => new("protocol v2 body must be a JSON array [args, kwargs, embed]");

    /// <summary>A v2 body, or null when the body is not an array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TaskMessage? ReadV2(ReadOnlyMemory<byte> body, TaskHeaderReader.Result headers, bool nonFinite)
    {
        var reader = WireReader.Create(body.Span);
        WireReader.Next(ref reader);
        return reader.TokenType == JsonTokenType.StartArray ? FromV2(ref reader, body, headers, nonFinite) : null;
    }

    /// <summary>
    /// Reads <c>[args, kwargs, embed]</c> with the reader on the opening bracket. Errors come in the
    /// order a whole-body check would find them: syntax, then shape, then the parts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TaskMessage FromV2(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, TaskHeaderReader.Result headers, bool nonFinite)
    {
        var count = CountElements(reader); // a copy: this reader stays on the bracket
        if (!headers.HasTask) throw new InvalidMessageException("message has no 'task' header and is not a protocol v1 body");
        if (count != 3) throw NotV2Body();

        WireReader.Next(ref reader);
        var args = reader.TokenType switch
        {
            JsonTokenType.StartArray => (JsonArray)InPlace(ref reader, body),
            JsonTokenType.Null => new JsonArray(),
            _ => throw new InvalidMessageException("body args is not an array"),
        };
        WireReader.Next(ref reader);
        var kwargs = reader.TokenType switch
        {
            JsonTokenType.StartObject => (JsonObject)InPlace(ref reader, body),
            JsonTokenType.Null => new JsonObject(),
            _ => throw new InvalidMessageException("body kwargs is not an object"),
        };
        var message = Validated(headers.Message);
        WireReader.Next(ref reader);
        // Most messages embed nothing ({"callbacks": null, …}): no nodes for that.
        message.Embed = IsEmptyEmbed(reader) ? new TaskEmbed() : TaskEmbed.FromJson(Restored(WireReader.Node(ref reader), nonFinite));
        message.Args = (JsonArray)Restored(args, nonFinite)!;
        message.Kwargs = (JsonObject)Restored(kwargs, nonFinite)!;
        return message;
    }

    // Only for a body that held NaN or infinities (NonFiniteJson): the markers back to doubles.
    private static JsonNode? Restored(JsonNode? node, bool nonFinite) => nonFinite ? NonFiniteJson.Restore(node) : node;

    /// <summary>
    /// The container under the reader as a node that reads the body in place: a node parsed from
    /// the reader would first copy its bytes (a second copy of a 20 MB argument). The body is never
    /// changed once received, and the nodes keep it alive only as long as they live.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static JsonNode InPlace(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var element = JsonDocument.Parse(body[start..(int)reader.BytesConsumed], CeleryJson.DocumentOptions).RootElement;
        return element.ValueKind == JsonValueKind.Array
            ? JsonArray.Create(element, CeleryJson.NodeOptions)!
            : JsonObject.Create(element, CeleryJson.NodeOptions)!;
    }

    // Counts the array's elements on a copy of the reader, reading to the end of the document so a
    // syntax error anywhere is found before any shape error.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CountElements(Utf8JsonReader reader)
    {
        var count = 0;
        while (true)
        {
            WireReader.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) break;
            reader.Skip();
            count++;
        }
        WireReader.ValidateRest(ref reader);
        return count;
    }

    // On a copy: true for null, {} or an object whose members are all null.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsEmptyEmbed(Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        while (true)
        {
            WireReader.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) return true;
            WireReader.Next(ref reader);
            if (reader.TokenType != JsonTokenType.Null) return false;
        }
    }

    private static TaskMessage Validated(TaskMessage message)
    {
        if (string.IsNullOrEmpty(message.Task)) throw new InvalidMessageException("message has no 'task' name");
        if (string.IsNullOrEmpty(message.Id)) throw new InvalidMessageException("message has no 'id'");
        return message;
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

        TaskMessage message;
        try
        {
            message = Validated(TaskHeaderReader.Read(CeleryJson.ToUtf8Bytes(merged), properties).Message);
        }
        catch (FormatException ex)
        {
            throw new InvalidMessageException($"bad header: {ex.Message}", ex);
        }
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
}
