using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// A message as every transport carries it, independent of the broker: flat headers, basic
/// properties and the serialized body bytes (docs/protocol.md §1.1). Redis wraps it in the kombu envelope
/// (<see cref="KombuEnvelope"/>); AMQP maps it to basic properties and application headers.
/// </summary>
internal sealed class BrokerMessage
{
    /// <summary>Creates a message.</summary>
    public BrokerMessage(JsonObject headers, MessageProperties properties, ReadOnlyMemory<byte> body,
        string contentType = ContentTypes.Json, string contentEncoding = "utf-8")
    {
        _headers = headers;
        Properties = properties;
        Body = body;
        ContentType = contentType;
        ContentEncoding = contentEncoding;
    }

    /// <summary>
    /// A message read off the wire whose headers stay JSON text until someone asks for
    /// <see cref="Headers"/>: the task decoder reads them straight from the bytes.
    /// </summary>
    internal BrokerMessage(ReadOnlyMemory<byte> headersUtf8, MessageProperties properties, ReadOnlyMemory<byte> body, string contentType, string contentEncoding)
    {
        _headersUtf8 = headersUtf8;
        Properties = properties;
        Body = body;
        ContentType = contentType;
        ContentEncoding = contentEncoding;
    }

    private readonly ReadOnlyMemory<byte> _headersUtf8;
    private JsonObject? _headers;

    // Set when _headersUtf8 was written by CeleryJson itself (not read off the wire), so an encoder may
    // copy the bytes as they are: they are exactly what serializing the headers again would give.
    private bool _headersOwnJson;

    /// <summary>
    /// This message with its headers serialized now by <see cref="CeleryJson"/>, kept as bytes: an
    /// encoder copies them instead of writing the node tree again (<see cref="TryGetOwnHeadersJson"/>),
    /// and the object holds a few arrays instead of a tree. For messages built ahead of their send.
    /// </summary>
    internal BrokerMessage WithSerializedHeaders() =>
        new(CeleryJson.ToUtf8Bytes(Headers), Properties, Body, ContentType, ContentEncoding) { _headersOwnJson = true };

    /// <summary>The headers' JSON when this message holds it as CeleryJson wrote it and the headers were not asked for since.</summary>
    internal bool TryGetOwnHeadersJson(out ReadOnlyMemory<byte> utf8)
    {
        utf8 = _headersUtf8;
        return _headersOwnJson && Volatile.Read(ref _headers) is null;
    }

    /// <summary>Flat headers: protocol v2 task metadata, event <c>hostname</c>, control <c>clock</c>, …</summary>
    public JsonObject Headers
    {
        get
        {
            if (_headers is { } headers) return headers;
            var parsed = CeleryJson.Parse(_headersUtf8.Span) as JsonObject ?? new JsonObject();
            return Interlocked.CompareExchange(ref _headers, parsed, null) ?? parsed;
        }
    }

    /// <summary>
    /// The headers as compact JSON: the bytes as received while <see cref="Headers"/> was never
    /// asked for, else the (possibly changed) object serialized.
    /// </summary>
    internal ReadOnlyMemory<byte> HeadersUtf8() =>
        Volatile.Read(ref _headers) is { } headers ? CeleryJson.ToUtf8Bytes(headers) : _headersUtf8;

    /// <summary>Basic properties.</summary>
    public MessageProperties Properties { get; }

    /// <summary>The serialized body (UTF-8 JSON for <c>application/json</c>), not base64.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>MIME type of <see cref="Body"/>; must be in the consumer's accept list.</summary>
    public string ContentType { get; }

    /// <summary>Text encoding of <see cref="Body"/> (<c>utf-8</c> for JSON, <c>binary</c> for pickle).</summary>
    public string ContentEncoding { get; }
}
