using System.Text.Json;
using System.Text.Json.Serialization;
using Celeriac.Protocol.Json;

namespace Celeriac.Serialization;

/// <summary>
/// Writes doubles as Python's <c>repr(float)</c> does, so <c>2.0</c> stays a float for a Python
/// reader instead of turning into the integer <c>2</c>; non-finite values as Python's json writes them.
/// </summary>
internal sealed class PythonFloatConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString();
            if (NonFiniteJson.FromMarker(text) is { } marked) return marked;
            return text switch
            {
                "NaN" or "nan" => double.NaN,
                "Infinity" or "inf" => double.PositiveInfinity,
                "-Infinity" or "-inf" => double.NegativeInfinity,
                var s => throw new JsonException($"'{s}' is not a number"),
            };
        }
        return reader.GetDouble();
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsNaN(value)) writer.WriteRawValue("NaN", skipInputValidation: true);
        else if (double.IsPositiveInfinity(value)) writer.WriteRawValue("Infinity", skipInputValidation: true);
        else if (double.IsNegativeInfinity(value)) writer.WriteRawValue("-Infinity", skipInputValidation: true);
        else writer.WriteRawValue(PythonRepr.FormatFloat(value));
    }
}
