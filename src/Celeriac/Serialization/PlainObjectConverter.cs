using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Celeriac.Serialization;

/// <summary>
/// Binds JSON to <c>object</c> as plain values a task can use: integers as <see cref="long"/> (or
/// <see cref="BigInteger"/> past 64 bits), other numbers as <see cref="double"/>, strings, bools,
/// null, <c>List&lt;object?&gt;</c> and <c>Dictionary&lt;string, object?&gt;</c>. Writing defers to the runtime type.
/// </summary>
internal sealed class PlainObjectConverter : JsonConverter<object>
{
    public override bool HandleNull => true;

    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            // A NaN or infinity a Python peer sent (see CeleriacJson.FromNode) arrives as a marker.
            case JsonTokenType.String: return reader.GetString() is var s && Protocol.Json.NonFiniteJson.FromMarker(s) is { } d ? d : s;
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var l)) return l;
                var raw = reader.HasValueSequence ? System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence)) : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && BigInteger.TryParse(raw, out var big)) return big;
                return reader.GetDouble();
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) list.Add(Read(ref reader, typeof(object), options));
                return list;
            case JsonTokenType.StartObject:
                var dict = new Dictionary<string, object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    dict[key] = Read(ref reader, typeof(object), options);
                }
                return dict;
            default:
                throw new JsonException($"unexpected {reader.TokenType}");
        }
    }

    public override void Write(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else if (value.GetType() == typeof(object)) { writer.WriteStartObject(); writer.WriteEndObject(); }
        else if (value is BigInteger big) writer.WriteRawValue(big.ToString(System.Globalization.CultureInfo.InvariantCulture));
        else JsonSerializer.Serialize(writer, value, value.GetType(), options);
    }
}
