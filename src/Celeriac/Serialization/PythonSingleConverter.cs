using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Celeriac.Serialization;

/// <summary>
/// <see cref="float"/> written as Python would write the same number (<c>2.0</c>, <c>0.1</c>), so
/// it stays a float for a Python reader; reads like <see cref="PythonFloatConverter"/>.
/// </summary>
internal sealed class PythonSingleConverter : JsonConverter<float>
{
    private static readonly PythonFloatConverter Double = new();

    public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        (float)Double.Read(ref reader, typeof(double), options);

    // Via the float's shortest text, so 0.1f is written 0.1 and not 0.10000000149011612.
    public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options) =>
        Double.Write(writer, float.IsFinite(value) ? double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value, options);
}
