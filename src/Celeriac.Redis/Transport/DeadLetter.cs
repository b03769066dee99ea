using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Redis.Transport;

/// <summary>
/// What goes to the <c>deadletter_queue</c> list for a rejected message (kombu has no dead-lettering;
/// this is ours, opt-in): the kombu envelope as it came, with the reason and the queue it was
/// rejected from added to its <c>headers</c> as <c>x-celeriac-dead-letter-reason</c> and
/// <c>x-celeriac-dead-letter-queue</c>, so a human (or a script that re-publishes it) can read why.
/// An element that is not a JSON object goes as it came: there is nowhere to put a reason.
/// </summary>
internal static class DeadLetter
{
    /// <summary>Header with why the worker rejected the message.</summary>
    public const string ReasonHeader = "x-celeriac-dead-letter-reason";

    /// <summary>Header with the queue the message was rejected from.</summary>
    public const string QueueHeader = "x-celeriac-dead-letter-queue";

    /// <summary>The payload to push to the dead-letter list.</summary>
    public static ReadOnlyMemory<byte> Payload(RedisDeliveryState state, string reason, string queue)
    {
        var envelope = state.Envelope?.Document ?? TryParseObject(state.Raw);
        if (envelope is null) return state.Raw;
        if (envelope["headers"] is not JsonObject headers)
        {
            // An envelope without a headers object (malformed) gets one only when the key is absent: never replace data.
            if (envelope.ContainsKey("headers")) return state.Raw;
            envelope["headers"] = headers = new JsonObject();
        }
        headers[ReasonHeader] = reason;
        headers[QueueHeader] = queue;
        return CeleryJson.ToUtf8Bytes(envelope);
    }

    private static JsonObject? TryParseObject(ReadOnlyMemory<byte> raw)
    {
        try { return CeleryJson.Parse(raw.Span) as JsonObject; }
        catch (JsonException) { return null; }
    }
}
