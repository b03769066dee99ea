using System.Text.Json;
using System.Text.Json.Serialization;
using Celeriac.Protocol.Json;

namespace Celeriac.Serialization;

/// <summary>
/// <see cref="DateTime"/> as Python isoformat text; reads offsets, kombu 5.2's <c>Z</c>, naive text
/// (as UTC) and kombu 5.3's <c>{"__type__": "datetime", "__value__": ...}</c> (docs/protocol.md §1.11).
/// </summary>
internal sealed class PythonDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TypedValueReader.ReadDateTimeOffset(ref reader).UtcDateTime;

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(PythonDateTime.Format(value.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(value, TimeSpan.Zero)
            : new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero)));
}
