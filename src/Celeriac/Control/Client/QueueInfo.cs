using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control;

/// <summary>A queue a worker consumes from, as <c>inspect active_queues</c> describes it (kombu's <c>Queue.as_dict</c>).</summary>
public sealed record QueueInfo
{
    /// <summary>Queue name.</summary>
    public required string Name { get; init; }

    /// <summary>The exchange it is bound to.</summary>
    public string? Exchange { get; init; }

    /// <summary>That exchange's type (<c>direct</c>, <c>topic</c>, <c>fanout</c>).</summary>
    public string? ExchangeType { get; init; }

    /// <summary>The binding's routing key.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>Whether the queue survives a broker restart.</summary>
    public bool Durable { get; init; }

    /// <summary>Whether only this connection may use it.</summary>
    public bool Exclusive { get; init; }

    /// <summary>Whether the broker deletes it when unused.</summary>
    public bool AutoDelete { get; init; }

    /// <summary>Whether messages are consumed without acks.</summary>
    public bool NoAck { get; init; }

    /// <summary>The description as the worker sent it.</summary>
    public required JsonObject Raw { get; init; }

    /// <summary>Reads one description; null when it is not one.</summary>
    internal static QueueInfo? From(JsonNode? node)
    {
        if (node is not JsonObject o || CeleryJson.GetString(o, "name") is not { } name) return null;
        var exchange = o["exchange"] as JsonObject;
        return new QueueInfo
        {
            Name = name,
            Exchange = exchange is null ? CeleryJson.GetString(o, "exchange") : CeleryJson.GetString(exchange, "name"),
            ExchangeType = exchange is null ? null : CeleryJson.GetString(exchange, "type"),
            RoutingKey = CeleryJson.GetString(o, "routing_key"),
            Durable = CeleryJson.GetBool(o, "durable"),
            Exclusive = CeleryJson.GetBool(o, "exclusive"),
            AutoDelete = CeleryJson.GetBool(o, "auto_delete"),
            NoAck = CeleryJson.GetBool(o, "no_ack"),
            Raw = (JsonObject)o.DeepClone(),
        };
    }
}
