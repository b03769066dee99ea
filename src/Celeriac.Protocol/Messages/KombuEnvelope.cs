using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// The JSON document kombu's virtual transports (Redis) store for one message (docs/protocol.md §1.1): base64
/// body, content type and encoding, headers, and properties with <c>delivery_info</c> and a
/// <c>delivery_tag</c> that must be fresh for every publish.
/// </summary>
internal sealed class KombuEnvelope
{
    internal KombuEnvelope(BrokerMessage message, DeliveryInfo deliveryInfo, string deliveryTag, bool redelivered, ReadOnlyMemory<byte> raw, JsonObject? document = null)
    {
        Message = message;
        DeliveryInfo = deliveryInfo;
        DeliveryTag = deliveryTag;
        Redelivered = redelivered;
        _raw = raw;
        _document = document;
    }

    private readonly ReadOnlyMemory<byte> _raw;
    private JsonObject? _document;

    /// <summary>The carried message.</summary>
    public BrokerMessage Message { get; }

    /// <summary>Exchange and routing key the message was published with.</summary>
    public DeliveryInfo DeliveryInfo { get; }

    /// <summary>The per-publish tag; the key of the Redis <c>unacked</c> hash.</summary>
    public string DeliveryTag { get; }

    /// <summary>True when kombu restored the message after a visibility timeout (<c>headers.redelivered</c>).</summary>
    public bool Redelivered { get; }

    /// <summary>
    /// The envelope as read, so a restore writes back exactly what was read. Parsed from the kept
    /// bytes on first use: only a restore needs it, not the decode of every message.
    /// </summary>
    public JsonObject Document
    {
        get
        {
            if (_document is { } document) return document;
            var parsed = (JsonObject)CeleryJson.Parse(_raw.Span)!;
            return Interlocked.CompareExchange(ref _document, parsed, null) ?? parsed;
        }
    }

    /// <summary>
    /// Builds the envelope JSON for a publish, with a fresh delivery tag unless one is given.
    /// Keys are written in kombu's order so a byte-level diff against Python stays readable.
    /// </summary>
    // The body's base64 is encoded straight into the one array returned, after the rest of the
    // envelope is written small: a base64 string in a node tree, then its UTF-8, then a grown
    // buffer and its copy cost ~8 bytes per body byte; this costs the 1.33 the envelope needs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static byte[] Encode(BrokerMessage message, DeliveryInfo route, string? deliveryTag = null)
    {
        var props = Properties(message.Properties, route, deliveryTag ?? Guid.NewGuid().ToString());
        // {"content-encoding":…,"content-type":…,"headers":…,"properties":…}: everything after the body.
        var rest = CeleryJson.ToUtf8Bytes((message, props), static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString("content-encoding", state.message.ContentEncoding);
            writer.WriteString("content-type", state.message.ContentType);
            writer.WritePropertyName("headers");
            if (state.message.TryGetOwnHeadersJson(out var headers)) writer.WriteRawValue(headers.Span, skipInputValidation: true);
            else state.message.Headers.WriteTo(writer);
            writer.WritePropertyName("properties");
            state.props.WriteTo(writer);
            writer.WriteEndObject();
        });
        ReadOnlySpan<byte> head = "{\"body\":\""u8;
        var body = message.Body.Span;
        var base64 = Base64.GetMaxEncodedToUtf8Length(body.Length);
        var envelope = new byte[head.Length + base64 + 2 + rest.Length - 1];
        head.CopyTo(envelope);
        Base64.EncodeToUtf8(body, envelope.AsSpan(head.Length), out _, out _);
        var at = head.Length + base64;
        envelope[at++] = (byte)'"';
        envelope[at++] = (byte)',';
        rest.AsSpan(1).CopyTo(envelope.AsSpan(at)); // without its '{'
        return envelope;
    }

    // Per-message hot path (a client's sends and waits too): compiled optimized at once. Tiered
    // compilation would run it unoptimized, then instrumented, through a process's first seconds.
    /// <summary>The envelope as a JSON object (see <see cref="Encode"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static JsonObject ToDocument(BrokerMessage message, DeliveryInfo route, string deliveryTag) => new()
    {
        ["body"] = Convert.ToBase64String(message.Body.Span),
        ["content-encoding"] = message.ContentEncoding,
        ["content-type"] = message.ContentType,
        ["headers"] = message.Headers.DeepClone(),
        ["properties"] = Properties(message.Properties, route, deliveryTag),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static JsonObject Properties(MessageProperties p, DeliveryInfo route, string deliveryTag)
    {
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
        return props;
    }

    /// <summary>
    /// Reads an envelope. Throws <see cref="InvalidMessageException"/> with the reason when it is not
    /// JSON, not an object, has bad base64, or lacks <c>delivery_tag</c> or <c>delivery_info</c>.
    /// </summary>
    public static KombuEnvelope Decode(ReadOnlySpan<byte> utf8) => KombuEnvelopeReader.Read(utf8.ToArray(), null);

    /// <summary>
    /// Reads an envelope without copying it (see <see cref="Decode(ReadOnlySpan{byte})"/>); the
    /// bytes are kept for <see cref="Document"/> and must not change afterwards.
    /// </summary>
    public static KombuEnvelope Decode(ReadOnlyMemory<byte> utf8) => KombuEnvelopeReader.Read(utf8, null);

    /// <summary>Reads an already parsed envelope object (see <see cref="Decode(ReadOnlySpan{byte})"/>); it becomes <see cref="Document"/>.</summary>
    public static KombuEnvelope Decode(JsonObject doc) => KombuEnvelopeReader.Read(CeleryJson.ToUtf8Bytes(doc), doc);
}
