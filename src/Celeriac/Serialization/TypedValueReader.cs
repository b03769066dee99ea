using System.Text.Json;
using Celeriac.Protocol.Json;

namespace Celeriac.Serialization;

/// <summary>Reads values that kombu ≥ 5.3 may wrap as <c>{"__type__": tag, "__value__": value}</c>.</summary>
internal static class TypedValueReader
{
    public static DateTimeOffset ReadDateTimeOffset(ref Utf8JsonReader reader)
    {
        string? text;
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            if (!doc.RootElement.TryGetProperty("__value__", out var inner) || inner.ValueKind != JsonValueKind.String)
                throw new JsonException("expected a datetime or {\"__type__\": \"datetime\", \"__value__\": ...}");
            text = inner.GetString();
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            text = reader.GetString();
        }
        else
        {
            throw new JsonException($"expected a datetime string, got {reader.TokenType}");
        }
        if (!PythonDateTime.TryParse(text, out var value)) throw new JsonException($"'{text}' is not an ISO-8601 datetime");
        return value;
    }
}
