using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Celeriac.Dashboard.Web;

/// <summary>Times as the API writes them: ISO 8601 in UTC with milliseconds and a Z (<c>2026-12-07T21:50:17.123Z</c>).</summary>
internal sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
