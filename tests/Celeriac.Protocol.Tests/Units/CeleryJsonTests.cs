using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Units;

public class CeleryJsonTests
{
    [Theory]
    [InlineData(2.0, "2.0")]
    [InlineData(1795239891.0, "1795239891.0")]
    [InlineData(1795239891.7096164, "1795239891.7096164")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e-05, "1.5e-05")]
    public void PythonFloat_always_reads_back_as_a_python_float(double value, string text)
    {
        var node = CeleryJson.PythonFloat(value);
        node.ToJsonString().Should().Be(text);
        JsonComparer.KindOf(node).Should().Be(JsonKind.Float);
        node.GetValue<double>().Should().Be(value);
        CeleryJson.ToJsonString(new JsonObject { ["t"] = node }).Should().Be($"{{\"t\":{text}}}");
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void PythonFloat_writes_non_finite_values_as_Pythons_json_does(double value, string token) =>
        CeleryJson.ToJsonString(new JsonObject { ["t"] = CeleryJson.PythonFloat(value) }).Should().Be($"{{\"t\":{token}}}");

    [Fact]
    public void Writer_keeps_non_ascii_readable_and_compact() =>
        CeleryJson.ToJsonString(JsonNode.Parse("""{"y": "\u00fcn\u00efcode", "l": [1, 2]}""")).Should().Be("""{"y":"ünïcode","l":[1,2]}""");

    [Theory]
    [InlineData("[1,]")]
    [InlineData("/* c */ 1")]
    [InlineData("{'a': 1}")]
    public void Reader_is_as_strict_as_python(string json) =>
        FluentActions.Invoking(() => CeleryJson.Parse(json)).Should().Throw<System.Text.Json.JsonException>();

    [Fact]
    public void Integers_are_read_from_integral_floats_but_not_fractions()
    {
        var o = JsonNode.Parse("""{"a": 2, "b": 2.0, "c": 2.5, "d": "2"}""")!.AsObject();
        CeleryJson.GetInt64(o, "a").Should().Be(2);
        CeleryJson.GetInt64(o, "b").Should().Be(2);
        FluentActions.Invoking(() => CeleryJson.GetInt64(o, "c")).Should().Throw<FormatException>();
        FluentActions.Invoking(() => CeleryJson.GetInt64(o, "d")).Should().Throw<FormatException>();
        CeleryJson.GetInt64(o, "missing").Should().BeNull();
    }

    [Fact]
    public void Numbers_built_in_process_are_read_like_parsed_ones()
    {
        // An in-memory transport hands over headers built with JsonValue.Create(int), never serialized.
        var o = new JsonObject { ["i"] = 3, ["s"] = (short)4, ["m"] = 2.5m, ["f"] = 1.5f, ["d"] = 2.0, ["u"] = 7u, ["z"] = 0 };
        CeleryJson.GetInt64(o, "i").Should().Be(3);
        CeleryJson.GetInt64(o, "s").Should().Be(4);
        CeleryJson.GetInt64(o, "u").Should().Be(7);
        CeleryJson.GetInt64(o, "d").Should().Be(2);
        CeleryJson.GetDouble(o, "i").Should().Be(3.0);
        CeleryJson.GetDouble(o, "m").Should().Be(2.5);
        CeleryJson.GetDouble(o, "f").Should().Be(1.5);
        CeleryJson.GetBool(o, "i").Should().BeTrue();
        CeleryJson.GetBool(o, "z").Should().BeFalse();
        CeleryJson.AsDouble(o["m"]).Should().Be(2.5);
        CeleryJson.AsDouble(JsonValue.Create("2")).Should().BeNull();
    }
}
