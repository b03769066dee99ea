using System.Text.Json;
using System.Text.Json.Serialization;
using Celeriac.Protocol.Json;

namespace Celeriac.Serialization;

/// <summary><see cref="DateTimeOffset"/> as Python isoformat text; reads the same forms as <see cref="PythonDateTimeConverter"/>.</summary>
internal sealed class PythonDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TypedValueReader.ReadDateTimeOffset(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(PythonDateTime.Format(value));
}
