using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;

namespace Celeriac.Protocol.Control;

/// <summary>
/// A remote-control (pidbox) request (docs/protocol.md §7.2), as <c>celery inspect</c>/<c>celery control</c> send it.
/// </summary>
internal sealed class ControlRequest
{
    /// <summary>Command name, e.g. <c>ping</c>, <c>revoke</c>.</summary>
    public required string Method { get; init; }

    /// <summary>Keyword arguments of the command.</summary>
    public JsonObject Arguments { get; init; } = new();

    /// <summary>Node names that should run it; null or empty means every node.</summary>
    public IReadOnlyList<string>? Destination { get; init; }

    /// <summary>Alternative node selection used with <see cref="Matcher"/>.</summary>
    public string? Pattern { get; init; }

    /// <summary><c>glob</c> or <c>pcre</c> when <see cref="Pattern"/> is used.</summary>
    public string? Matcher { get; init; }

    /// <summary>Reply correlation id; present only when a reply is wanted.</summary>
    public string? Ticket { get; init; }

    /// <summary>Where replies go (<c>reply.celery.pidbox</c> and the client's oid); null when no reply is wanted.</summary>
    public DeliveryInfo? ReplyTo { get; init; }

    /// <summary>The body Python writes; <c>ticket</c> and <c>reply_to</c> only when a reply is wanted.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["method"] = Method,
            ["arguments"] = Arguments.DeepClone(),
            ["destination"] = Destination is null ? null : new JsonArray(Destination.Select(d => (JsonNode?)d).ToArray()),
            ["pattern"] = Pattern,
            ["matcher"] = Matcher,
        };
        if (Ticket is not null) o["ticket"] = Ticket;
        if (ReplyTo is { } r) o["reply_to"] = new JsonObject { ["exchange"] = r.Exchange, ["routing_key"] = r.RoutingKey };
        return o;
    }

    /// <summary>
    /// The message headers a request carries (docs/protocol.md §7.2): <c>{"clock": ..., "expires": ...}</c>, the
    /// sender's Lamport clock and the Unix time after which the request is stale (a float, as
    /// Python's <c>time() + timeout</c>), or 0 when it never expires.
    /// </summary>
    public static JsonObject Headers(long clock, double expires) => new()
    {
        ["clock"] = clock,
        ["expires"] = expires == 0 ? JsonValue.Create(0) : CeleryJson.PythonFloat(expires),
    };

    /// <summary>Reads a request body. Throws <see cref="FormatException"/> when it is not one.</summary>
    public static ControlRequest Parse(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try { node = CeleryJson.Parse(utf8); }
        catch (JsonException ex) { throw new FormatException("control request is not JSON: " + ex.Message, ex); }
        if (node is not JsonObject o) throw new FormatException("control request is not an object");
        DeliveryInfo? replyTo = null;
        if (o["reply_to"] is JsonObject r)
            replyTo = new DeliveryInfo(CeleryJson.GetString(r, "exchange") ?? "", CeleryJson.GetString(r, "routing_key") ?? "");
        return new ControlRequest
        {
            Method = CeleryJson.GetString(o, "method") ?? throw new FormatException("control request has no method"),
            Arguments = o["arguments"] as JsonObject is { } a ? (JsonObject)a.DeepClone() : new JsonObject(),
            Destination = o["destination"] is JsonArray d ? d.Select(NodeName).ToList() : null,
            Pattern = CeleryJson.GetString(o, "pattern"),
            Matcher = CeleryJson.GetString(o, "matcher"),
            Ticket = CeleryJson.GetString(o, "ticket"),
            ReplyTo = replyTo,
        };
    }

    private static string NodeName(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new FormatException("control request destination must be a list of node names");
}
