using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Control;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Control.Mailbox;

/// <summary>
/// A control request as it arrived (docs/protocol.md §7.2): the request and the sender's clock. Reading
/// refuses, with a <see cref="FormatException"/> naming why, everything Celery's mailbox would choke
/// on: an unreadable envelope, a body that is not JSON or not an object, no method, a destination
/// that is not a list of names, arguments that are not an object, a clock that is not a number.
/// </summary>
internal sealed record MailboxRequest(ControlRequest Request, long Clock)
{
    /// <summary>Reads a message received on the mailbox.</summary>
    public static MailboxRequest Read(BroadcastMessage received)
    {
        if (received.Malformed is { } malformed) throw new FormatException("unreadable envelope: " + malformed.Message, malformed);
        var message = received.Message ?? throw new FormatException("empty message");
        if (!string.Equals(message.ContentType, ContentTypes.Json, StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"content type '{message.ContentType}' is not accepted (the mailbox takes JSON only)");
        var clock = ClockOf(message);
        var body = message.Body.Span;
        // Arguments are checked on the parsed body: ControlRequest.Parse reads anything but an
        // object as no arguments, where Celery would call the handler with them and fail.
        JsonNode? node;
        try { node = CeleryJson.Parse(body); }
        catch (JsonException ex) { throw new FormatException("control request is not JSON: " + ex.Message, ex); }
        if (node is JsonObject o && o["arguments"] is { } args && args is not JsonObject)
            throw new FormatException($"control request arguments must be an object, not {args.GetValueKind()}");
        if (node is JsonObject m && m["method"] is { } method && method.GetValueKind() != JsonValueKind.String)
            throw new FormatException("control request method must be a string");
        return new MailboxRequest(ControlRequest.Parse(body), clock);
    }

    /// <summary>The <c>clock</c> header: absent or null is 0, as Celery's <c>headers.get('clock') or 0</c>.</summary>
    private static long ClockOf(BrokerMessage message)
    {
        JsonObject headers;
        try { headers = message.Headers; }
        catch (JsonException ex) { throw new FormatException("control request headers are not JSON: " + ex.Message, ex); }
        if (!headers.TryGetPropertyValue("clock", out var clock) || clock is null) return 0;
        if (CeleryJson.AsDouble(clock) is { } d && double.IsFinite(d)) return (long)Math.Clamp(Math.Floor(d), 0, long.MaxValue / 2);
        throw new FormatException($"control request clock is not a number: {CeleryJson.ToJsonString(clock)}");
    }
}
