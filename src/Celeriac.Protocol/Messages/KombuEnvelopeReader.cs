using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// Decodes a kombu envelope (docs/protocol.md §1.1) in one pass over its bytes, without a node tree: the
/// headers stay JSON text inside the <see cref="BrokerMessage"/> (the task decoder reads them from
/// there), the body is base64-decoded straight from the UTF-8 text, and the document is parsed only
/// if a restore asks for it. It accepts and refuses exactly what a parse into nodes would.
/// </summary>
internal static class KombuEnvelopeReader
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public static KombuEnvelope Read(ReadOnlyMemory<byte> utf8, JsonObject? document)
    {
        try
        {
            return ReadCore(utf8, document);
        }
        catch (JsonException ex)
        {
            throw new InvalidMessageException($"envelope is not JSON: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new InvalidMessageException($"envelope field has the wrong type: {ex.Message}", ex);
        }
    }

    // Per-message hot path: compiled optimized at once. Tiered compilation would run it unoptimized,
    // then instrumented, through a worker's first seconds — most of a short drain.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static KombuEnvelope ReadCore(ReadOnlyMemory<byte> utf8, JsonObject? document)
    {
        var span = utf8.Span;
        var reader = WireReader.Create(span);
        WireReader.Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            WireReader.ValidateRest(ref reader); // not JSON at all beats "not an object"
            throw new InvalidMessageException("envelope is not a JSON object");
        }

        Range? body = null;
        var bodyEscaped = false;
        string? contentType = null, contentEncoding = null;
        ReadOnlyMemory<byte> headers = EmptyObject;
        var headersRedelivered = false;
        var headersValid = true;
        EnvelopeProperties? props = null;
        while (true)
        {
            WireReader.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.ValueTextEquals("body"u8))
            {
                WireReader.Next(ref reader);
                // Kept as a range and decoded at the end: body_encoding comes later, in properties.
                body = null;
                if (WireReader.IsString(ref reader, "body"))
                {
                    var start = (int)reader.TokenStartIndex + 1;
                    body = start..(start + reader.ValueSpan.Length);
                    bodyEscaped = reader.ValueIsEscaped;
                }
            }
            else if (reader.ValueTextEquals("content-type"u8))
            {
                WireReader.Next(ref reader);
                contentType = WireReader.String(ref reader, "content-type");
            }
            else if (reader.ValueTextEquals("content-encoding"u8))
            {
                WireReader.Next(ref reader);
                contentEncoding = WireReader.String(ref reader, "content-encoding");
            }
            else if (reader.ValueTextEquals("headers"u8))
            {
                WireReader.Next(ref reader);
                headersValid = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.Null;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    headersRedelivered = ReadRedelivered(ref reader);
                    headers = utf8[start..(int)reader.BytesConsumed];
                }
                else
                {
                    headers = EmptyObject;
                    headersRedelivered = false;
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("properties"u8))
            {
                WireReader.Next(ref reader);
                props = reader.TokenType == JsonTokenType.StartObject ? EnvelopeProperties.Read(ref reader) : null;
                if (props is null) reader.Skip();
            }
            else
            {
                WireReader.Next(ref reader);
                reader.Skip();
            }
        }
        WireReader.ValidateRest(ref reader);

        // The checks and their order are those of the node-based reader this replaced.
        if (props is null) throw new InvalidMessageException("envelope has no 'properties' object");
        if (props.DeliveryTag is null) throw new InvalidMessageException("envelope has no properties.delivery_tag");
        if (!props.HasDeliveryInfo) throw new InvalidMessageException("envelope has no properties.delivery_info");
        if (props.Exchange is null) throw new InvalidMessageException("delivery_info has no 'exchange'");
        if (!headersValid) throw new InvalidMessageException("envelope 'headers' is not an object");
        if (body is not { } bodyRange) throw new InvalidMessageException("envelope has no 'body' string");

        ReadOnlyMemory<byte> bodyBytes = props.BodyEncoding switch
        {
            "base64" => Base64Body(span[bodyRange], bodyEscaped),
            // kombu: no body_encoding means the text is the body.
            null => Encoding.UTF8.GetBytes(Unescape(span[bodyRange], bodyEscaped)),
            var other => throw new InvalidMessageException($"unsupported body_encoding '{other}'"),
        };
        var message = new BrokerMessage(headers, props.ToMessageProperties(), bodyBytes,
            contentType ?? ContentTypes.Json, contentEncoding ?? "utf-8");
        return new KombuEnvelope(message, new DeliveryInfo(props.Exchange, props.RoutingKey ?? ""), props.DeliveryTag,
            headersRedelivered || props.Redelivered, utf8, document);
    }

    // Looks only for a top-level "redelivered" (kombu's restore mark); leaves the reader on the object's end.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadRedelivered(ref Utf8JsonReader reader)
    {
        var redelivered = false;
        var depth = reader.CurrentDepth;
        while (true)
        {
            WireReader.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth) return redelivered;
            var isFlag = reader.ValueTextEquals("redelivered"u8);
            WireReader.Next(ref reader);
            if (isFlag) redelivered = WireReader.Bool(ref reader, "redelivered");
            else reader.Skip();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlyMemory<byte> Base64Body(ReadOnlySpan<byte> text, bool escaped)
    {
        if (!escaped)
        {
            var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
            // A slice, not a trimmed copy: padding leaves a byte or two unused in 2 bodies of 3.
            if (Base64.DecodeFromUtf8(text, bytes, out _, out var written) == System.Buffers.OperationStatus.Done)
                return bytes.AsMemory(0, written);
        }
        // Escapes, whitespace or bad input: Convert's rules decide, as they always did.
        try { return Convert.FromBase64String(Unescape(text, escaped)); }
        catch (FormatException ex) { throw new InvalidMessageException("envelope body is not valid base64", ex); }
    }

    private static string Unescape(ReadOnlySpan<byte> text, bool escaped)
    {
        if (!escaped) return Encoding.UTF8.GetString(text);
        // Let the JSON reader undo the escapes: re-read the string as a document of its own.
        var quoted = new byte[text.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        text.CopyTo(quoted.AsSpan(1));
        var reader = WireReader.Create(quoted);
        reader.Read();
        return reader.GetString()!;
    }
}
