using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Messages;

/// <summary>The envelope's <c>properties</c> object as <see cref="KombuEnvelopeReader"/> reads it, token by token.</summary>
internal sealed class EnvelopeProperties
{
    public string? CorrelationId { get; private set; }
    public string? ReplyTo { get; private set; }
    public long? DeliveryMode { get; private set; }
    public string? Expiration { get; private set; }
    public int? Priority { get; private set; }
    public string? BodyEncoding { get; private set; }
    public string? DeliveryTag { get; private set; }
    public bool HasDeliveryInfo { get; private set; }
    public string? Exchange { get; private set; }
    public string? RoutingKey { get; private set; }
    public bool Redelivered { get; private set; }

    /// <summary>Properties kombu does not define (a worker's re-publish carries send options here), in order, as read.</summary>
    public JsonObject? Extra { get; private set; }

    // Per-message hot path: compiled optimized at once. Tiered compilation would run it unoptimized,
    // then instrumented, through a worker's first seconds — most of a short drain.
    /// <summary>Reads the object the reader is on; leaves it on the object's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static EnvelopeProperties Read(ref Utf8JsonReader reader)
    {
        var p = new EnvelopeProperties();
        while (true)
        {
            WireReader.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) return p;
            if (reader.ValueTextEquals("correlation_id"u8)) p.CorrelationId = NextString(ref reader, "correlation_id");
            else if (reader.ValueTextEquals("reply_to"u8)) p.ReplyTo = NextString(ref reader, "reply_to");
            else if (reader.ValueTextEquals("delivery_mode"u8))
            {
                WireReader.Next(ref reader);
                p.DeliveryMode = WireReader.Int64(ref reader, "delivery_mode");
            }
            else if (reader.ValueTextEquals("expiration"u8))
            {
                WireReader.Next(ref reader);
                // A number is kept as its JSON text (AMQP's expiration is a string).
                p.Expiration = reader.TokenType == JsonTokenType.String ? reader.GetString() : WireReader.Node(ref reader)?.ToJsonString();
            }
            else if (reader.ValueTextEquals("priority"u8))
            {
                WireReader.Next(ref reader);
                // kombu: anything that is not an integer counts as priority 0 (docs/protocol.md §2.2).
                p.Priority = reader.TokenType == JsonTokenType.Null ? null : (int)Math.Clamp(WireReader.AsInt64(ref reader) ?? 0, 0, 255);
                reader.Skip();
            }
            else if (reader.ValueTextEquals("body_encoding"u8)) p.BodyEncoding = NextString(ref reader, "body_encoding");
            else if (reader.ValueTextEquals("delivery_tag"u8)) p.DeliveryTag = NextString(ref reader, "delivery_tag");
            else if (reader.ValueTextEquals("delivery_info"u8))
            {
                WireReader.Next(ref reader);
                p.HasDeliveryInfo = reader.TokenType == JsonTokenType.StartObject;
                (p.Exchange, p.RoutingKey, p.Redelivered) = (null, null, false);
                if (p.HasDeliveryInfo) p.ReadDeliveryInfo(ref reader);
                else reader.Skip();
            }
            else
            {
                var name = reader.GetString()!;
                WireReader.Next(ref reader);
                (p.Extra ??= new JsonObject())[name] = WireReader.Node(ref reader);
            }
        }
    }

    /// <summary>The message's basic properties.</summary>
    public MessageProperties ToMessageProperties() => new()
    {
        CorrelationId = CorrelationId,
        ReplyTo = ReplyTo,
        DeliveryMode = (int)(DeliveryMode ?? 2),
        Priority = Priority,
        Expiration = Expiration,
        Extra = Extra,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadDeliveryInfo(ref Utf8JsonReader reader)
    {
        while (true)
        {
            WireReader.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) return;
            if (reader.ValueTextEquals("exchange"u8)) Exchange = NextString(ref reader, "exchange");
            else if (reader.ValueTextEquals("routing_key"u8)) RoutingKey = NextString(ref reader, "routing_key");
            else if (reader.ValueTextEquals("redelivered"u8))
            {
                WireReader.Next(ref reader);
                Redelivered = WireReader.Bool(ref reader, "redelivered");
            }
            else
            {
                WireReader.Next(ref reader);
                reader.Skip();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? NextString(ref Utf8JsonReader reader, string name)
    {
        WireReader.Next(ref reader);
        return WireReader.String(ref reader, name);
    }
}
