using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;

namespace Celeriac.RabbitMQ.Backend;

/// <summary>
/// The message an <c>rpc://</c> result travels in (docs/protocol.md §3.5): Celery 5.2.6's
/// <c>RPCBackend._to_result</c> body <c>{"task_id", "status", "result", "traceback", "children"}</c>
/// (no <c>date_done</c>, group or extended fields), JSON, on the default exchange.
/// </summary>
internal static class RpcResultMessage
{
    /// <summary>Content type of every result message (<c>result_serializer</c> json).</summary>
    public const string ContentType = "application/json";

    /// <summary>Content encoding of every result message.</summary>
    public const string ContentEncoding = "utf-8";

    /// <summary>The body of <paramref name="meta"/>, in Celery's key order.</summary>
    public static byte[] Encode(ResultMeta meta) => CeleryJson.ToUtf8Bytes(meta, static (w, m) =>
    {
        w.WriteStartObject();
        w.WriteString("task_id"u8, m.TaskId);
        w.WriteString("status"u8, m.Status);
        w.WritePropertyName("result"u8);
        CeleryJson.WriteNode(w, m.Result);
        if (m.Traceback is null) w.WriteNull("traceback"u8);
        else w.WriteString("traceback"u8, m.Traceback);
        w.WritePropertyName("children"u8);
        CeleryJson.WriteNode(w, m.Children);
        w.WriteEndObject();
    });

    /// <summary>
    /// Reads a result body; a body without <c>task_id</c> takes the message's correlation id (the
    /// receiver keys results by correlation id first, as Celery's <c>_get_message_task_id</c> does).
    /// </summary>
    /// <exception cref="FormatException">The body is not a result meta.</exception>
    public static ResultMeta Decode(ReadOnlySpan<byte> body, string? correlationId) => ResultMeta.Parse(body, correlationId);
}
