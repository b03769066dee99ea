using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// A message as every transport carries it, independent of the broker: flat headers, basic
/// properties and the serialized body bytes (SPEC §1.1). Redis wraps it in the kombu envelope
/// (<see cref="KombuEnvelope"/>); AMQP maps it to basic properties and application headers.
/// </summary>
public sealed class BrokerMessage
{
    /// <summary>Creates a message.</summary>
    public BrokerMessage(JsonObject headers, MessageProperties properties, ReadOnlyMemory<byte> body,
        string contentType = ContentTypes.Json, string contentEncoding = "utf-8")
    {
        Headers = headers;
        Properties = properties;
        Body = body;
        ContentType = contentType;
        ContentEncoding = contentEncoding;
    }

    /// <summary>Flat headers: protocol v2 task metadata, event <c>hostname</c>, control <c>clock</c>, …</summary>
    public JsonObject Headers { get; }

    /// <summary>Basic properties.</summary>
    public MessageProperties Properties { get; }

    /// <summary>The serialized body (UTF-8 JSON for <c>application/json</c>), not base64.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>MIME type of <see cref="Body"/>; must be in the consumer's accept list.</summary>
    public string ContentType { get; }

    /// <summary>Text encoding of <see cref="Body"/> (<c>utf-8</c> for JSON, <c>binary</c> for pickle).</summary>
    public string ContentEncoding { get; }
}
