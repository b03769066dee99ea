using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// The JSON document kombu's virtual transports (Redis) store for one message (SPEC §1.1): base64
/// body, content type and encoding, headers, and properties with <c>delivery_info</c> and a
/// <c>delivery_tag</c> that must be fresh for every publish.
/// </summary>
public sealed class KombuEnvelope
{
    private KombuEnvelope(BrokerMessage message, DeliveryInfo deliveryInfo, string deliveryTag, bool redelivered, JsonObject document)
    {
        Message = message;
        DeliveryInfo = deliveryInfo;
        DeliveryTag = deliveryTag;
        Redelivered = redelivered;
        Document = document;
    }

    /// <summary>The carried message.</summary>
    public BrokerMessage Message { get; }

    /// <summary>Exchange and routing key the message was published with.</summary>
    public DeliveryInfo DeliveryInfo { get; }

    /// <summary>The per-publish tag; the key of the Redis <c>unacked</c> hash.</summary>
    public string DeliveryTag { get; }

    /// <summary>True when kombu restored the message after a visibility timeout (<c>headers.redelivered</c>).</summary>
    public bool Redelivered { get; }

    /// <summary>The envelope as parsed, kept so a restore writes back exactly what was read.</summary>
    public JsonObject Document { get; }

    /// <summary>
    /// Builds the envelope JSON for a publish, with a fresh delivery tag unless one is given.
    /// Keys are written in kombu's order so a byte-level diff against Python stays readable.
    /// </summary>
    public static byte[] Encode(BrokerMessage message, DeliveryInfo route, string? deliveryTag = null) =>
        CeleryJson.ToUtf8Bytes(ToDocument(message, route, deliveryTag ?? Guid.NewGuid().ToString()));

    /// <summary>The envelope as a JSON object (see <see cref="Encode"/>).</summary>
    public static JsonObject ToDocument(BrokerMessage message, DeliveryInfo route, string deliveryTag)
    {
        var p = message.Properties;
        var props = new JsonObject();
        if (p.CorrelationId is not null) props["correlation_id"] = p.CorrelationId;
        if (p.ReplyTo is not null) props["reply_to"] = p.ReplyTo;
        if (p.Extra is not null)
            foreach (var (key, value) in p.Extra) props[key] = value?.DeepClone();
        props["delivery_mode"] = p.DeliveryMode;
        if (p.Expiration is not null) props["expiration"] = p.Expiration;
        props["delivery_info"] = new JsonObject { ["exchange"] = route.Exchange, ["routing_key"] = route.RoutingKey };
        props["priority"] = p.Priority ?? 0;
        props["body_encoding"] = "base64";
        props["delivery_tag"] = deliveryTag;
        return new JsonObject
        {
            ["body"] = Convert.ToBase64String(message.Body.Span),
            ["content-encoding"] = message.ContentEncoding,
            ["content-type"] = message.ContentType,
            ["headers"] = message.Headers.DeepClone(),
            ["properties"] = props,
        };
    }

    /// <summary>
    /// Reads an envelope. Throws <see cref="InvalidMessageException"/> with the reason when it is not
    /// JSON, not an object, has bad base64, or lacks <c>delivery_tag</c> or <c>delivery_info</c>.
    /// </summary>
    public static KombuEnvelope Decode(ReadOnlySpan<byte> utf8)
    {
        JsonNode? root;
        try
        {
            root = CeleryJson.Parse(utf8);
        }
        catch (JsonException ex)
        {
            throw new InvalidMessageException($"envelope is not JSON: {ex.Message}", ex);
        }
        if (root is not JsonObject doc) throw new InvalidMessageException("envelope is not a JSON object");
        return Decode(doc);
    }

    /// <summary>Reads an already parsed envelope object (see <see cref="Decode(ReadOnlySpan{byte})"/>).</summary>
    public static KombuEnvelope Decode(JsonObject doc)
    {
        try
        {
            if (doc["properties"] is not JsonObject props) throw new InvalidMessageException("envelope has no 'properties' object");
            var tag = CeleryJson.GetString(props, "delivery_tag") ?? throw new InvalidMessageException("envelope has no properties.delivery_tag");
            if (props["delivery_info"] is not JsonObject info) throw new InvalidMessageException("envelope has no properties.delivery_info");
            var exchange = CeleryJson.GetString(info, "exchange") ?? throw new InvalidMessageException("delivery_info has no 'exchange'");
            var routingKey = CeleryJson.GetString(info, "routing_key") ?? "";

            var headers = doc["headers"] switch
            {
                null => new JsonObject(),
                JsonObject h => (JsonObject)h.DeepClone(),
                _ => throw new InvalidMessageException("envelope 'headers' is not an object"),
            };
            var bodyText = CeleryJson.GetString(doc, "body") ?? throw new InvalidMessageException("envelope has no 'body' string");
            var bodyEncoding = CeleryJson.GetString(props, "body_encoding");
            byte[] body;
            if (bodyEncoding == "base64")
            {
                try { body = Convert.FromBase64String(bodyText); }
                catch (FormatException ex) { throw new InvalidMessageException("envelope body is not valid base64", ex); }
            }
            else if (bodyEncoding is null)
            {
                body = Encoding.UTF8.GetBytes(bodyText); // kombu: no body_encoding means the text is the body
            }
            else
            {
                throw new InvalidMessageException($"unsupported body_encoding '{bodyEncoding}'");
            }

            var properties = new MessageProperties
            {
                CorrelationId = CeleryJson.GetString(props, "correlation_id"),
                ReplyTo = CeleryJson.GetString(props, "reply_to"),
                DeliveryMode = (int)(CeleryJson.GetInt64(props, "delivery_mode") ?? 2),
                Priority = ReadPriority(props),
                Expiration = props["expiration"] is JsonNode exp ? (exp.GetValueKind() == JsonValueKind.String ? exp.GetValue<string>() : exp.ToJsonString()) : null,
                Extra = ExtraProperties(props),
            };
            var contentType = CeleryJson.GetString(doc, "content-type") ?? ContentTypes.Json;
            var contentEncoding = CeleryJson.GetString(doc, "content-encoding") ?? "utf-8";
            var redelivered = CeleryJson.GetBool(headers, "redelivered") || CeleryJson.GetBool(info, "redelivered");
            var message = new BrokerMessage(headers, properties, body, contentType, contentEncoding);
            return new KombuEnvelope(message, new DeliveryInfo(exchange, routingKey), tag, redelivered, doc);
        }
        catch (FormatException ex)
        {
            throw new InvalidMessageException($"envelope field has the wrong type: {ex.Message}", ex);
        }
    }

    private static readonly HashSet<string> StandardProperties =
    [
        "correlation_id", "reply_to", "delivery_mode", "expiration", "delivery_info", "priority",
        "body_encoding", "delivery_tag",
    ];

    private static JsonObject? ExtraProperties(JsonObject props)
    {
        JsonObject? extra = null;
        foreach (var (key, value) in props)
        {
            if (StandardProperties.Contains(key)) continue;
            (extra ??= new JsonObject())[key] = value?.DeepClone();
        }
        return extra;
    }

    private static int? ReadPriority(JsonObject props)
    {
        // kombu: anything that is not an integer counts as priority 0 (SPEC §2.2).
        var value = props["priority"];
        return value is null ? null : (int?)Math.Clamp(CeleryJson.AsInt64(value) ?? 0, 0, 255);
    }
}
