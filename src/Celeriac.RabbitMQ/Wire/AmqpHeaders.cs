using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Wire;

/// <summary>
/// Protocol v2 headers (JSON on our side) as an AMQP field table and back (docs/protocol.md §3.2).
/// Written only in types both py-amqp and RabbitMQ.Client read the same way: strings, booleans,
/// 32-bit integers, non-negative 64-bit integers, doubles, void, arrays and tables. py-amqp reads
/// <c>l</c> as unsigned, so a negative integer beyond 32 bits is written as a double.
/// </summary>
internal static class AmqpHeaders
{
    /// <summary><paramref name="headers"/> as a field table.</summary>
    public static Dictionary<string, object?> ToTable(JsonObject headers)
    {
        var table = new Dictionary<string, object?>(headers.Count, StringComparer.Ordinal);
        foreach (var (key, value) in headers) table[key] = ToField(value);
        return table;
    }

    /// <summary>A received field table as compact JSON, in the table's order.</summary>
    /// <exception cref="InvalidMessageException">A value has a type no Celery header has.</exception>
    public static ReadOnlyMemory<byte> ToJson(IDictionary<string, object?>? table)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (table is not null)
            {
                foreach (var (key, value) in table)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, value, key);
                }
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    private static object? ToField(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                return ToTable(obj);
            case JsonArray array:
                var list = new List<object?>(array.Count);
                foreach (var item in array) list.Add(ToField(item));
                return list;
        }
        var value = node.AsValue();
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.GetValue<string>();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                return Number(value);
            default:
                return null;
        }
    }

    private static object Number(JsonValue value)
    {
        var text = value.ToJsonString();
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small)) return small;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big) && big >= 0) return big;
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, string key)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case byte[] bytes:
                writer.WriteStringValue(Encoding.UTF8.GetString(bytes));
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int or long or short or sbyte or byte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong unsigned:
                writer.WriteNumberValue(unsigned);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case double or float:
                // Python's bare tokens; the reader takes them back (docs/architecture.md, JSON conventions).
                var d2 = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                writer.WriteRawValue(double.IsNaN(d2) ? "NaN" : d2 > 0 ? "Infinity" : "-Infinity", skipInputValidation: true);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case AmqpTimestamp timestamp:
                writer.WriteNumberValue(timestamp.UnixTime);
                break;
            case IDictionary<string, object?> table:
                writer.WriteStartObject();
                foreach (var (k, v) in table)
                {
                    writer.WritePropertyName(k);
                    WriteValue(writer, v, key);
                }
                writer.WriteEndObject();
                break;
            case IList list:
                writer.WriteStartArray();
                foreach (var item in list) WriteValue(writer, item, key);
                writer.WriteEndArray();
                break;
            default:
                throw new InvalidMessageException($"header '{key}' has a value of AMQP type {value.GetType().Name}, which no Celery header has");
        }
    }
}
