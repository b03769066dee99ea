using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Redis.Transport;

/// <summary>How kombu marks a message it gives back to a queue (<c>_do_restore_message</c>, docs/protocol.md §2.4).</summary>
internal static class Redelivery
{
    /// <summary>
    /// Sets <c>headers.redelivered</c> and <c>properties.delivery_info.redelivered</c> to true (each
    /// where the object exists; kombu skips what is missing) and serializes the envelope. Key order
    /// and number text are kept as read.
    /// </summary>
    public static byte[] Mark(JsonObject envelope)
    {
        if (envelope["headers"] is JsonObject headers) headers["redelivered"] = true;
        if (envelope["properties"] is JsonObject { } properties && properties["delivery_info"] is JsonObject info) info["redelivered"] = true;
        return CeleryJson.ToUtf8Bytes(envelope);
    }
}
