using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>PythonRepr against what CPython's repr() prints for the same values.</summary>
public class PythonReprTests
{
    private static string Repr(string json) => PythonRepr.Format(JsonNode.Parse(json));

    [Theory]
    [InlineData("null", "None")]
    [InlineData("true", "True")]
    [InlineData("false", "False")]
    [InlineData("0", "0")]
    [InlineData("-7", "-7")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    public void Scalars(string json, string expected) => Repr(json).Should().Be(expected);

    [Theory]
    [InlineData("1.5", "1.5")]
    [InlineData("1.0", "1.0")]
    [InlineData("2.50", "2.5")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e16", "1e+16")]
    [InlineData("1.5e-05", "1.5e-05")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("123456789012345.6", "123456789012345.6")]
    [InlineData("1234567890123456.7", "1234567890123456.8")]
    [InlineData("1e22", "1e+22")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("1795239891.7096164", "1795239891.7096164")]
    public void Floats_use_python_shortest_repr(string json, string expected) => Repr(json).Should().Be(expected);

    [Theory]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(1e-5, "1e-05")]
    public void FormatFloat_handles_edges(double value, string expected) => PythonRepr.FormatFloat(value).Should().Be(expected);

    [Theory]
    [InlineData("\"x\"", "'x'")]
    [InlineData("\"it's\"", "\"it's\"")]
    [InlineData("\"say \\\"hi\\\"\"", "'say \"hi\"'")]
    [InlineData("\"both ' and \\\"\"", "'both \\' and \"'")]
    [InlineData("\"back\\\\slash\"", "'back\\\\slash'")]
    [InlineData("\"tab\\tnl\\ncr\\r\"", "'tab\\tnl\\ncr\\r'")]
    [InlineData("\"\\u0001\\u007f\"", "'\\x01\\x7f'")]
    [InlineData("\"\\u00fcn\\u00efcode\"", "'ünïcode'")]
    [InlineData("\"日本 🎉\"", "'日本 🎉'")]
    public void Strings_quote_and_escape_like_python(string json, string expected) => Repr(json).Should().Be(expected);

    [Theory]
    [InlineData("\"\\u0080\"", "'\\x80'")]
    [InlineData("\"\\u00a0\"", "'\\xa0'")]
    [InlineData("\"\\u00ad\"", "'\\xad'")]
    [InlineData("\"\\u2028\"", "'\\u2028'")]
    [InlineData("\"\\u200b\"", "'\\u200b'")]
    [InlineData("\"\\ufeff\"", "'\\ufeff'")]
    [InlineData("\"\\ud83c\\udf89\"", "'🎉'")]
    [InlineData("\"\\U000e0001\"", "'\\U000e0001'")]
    public void Non_printable_characters_are_escaped_as_python_does(string json, string expected)
    {
        // JSON has no \U escape; build the astral one from its surrogate pair instead.
        if (json.Contains("\\U000e0001")) json = "\"\\udb40\\udc01\"";
        Repr(json).Should().Be(expected);
    }

    [Fact]
    public void A_lone_surrogate_is_escaped()
    {
        // Not reachable through UTF-8 JSON (the reader replaces it), but .NET strings can hold one.
        PythonRepr.FormatString("a\udc00b").Should().Be("'a\\udc00b'");
        PythonRepr.FormatString("\ud83c").Should().Be("'\\ud83c'");
    }

    [Fact]
    public void Nested_lists_and_dicts_keep_order()
    {
        Repr("""{"x": 1.5, "y": "ünïcode", "z": null, "l": [1, "a", true], "d": {"k": "v"}}""")
            .Should().Be("{'x': 1.5, 'y': 'ünïcode', 'z': None, 'l': [1, 'a', True], 'd': {'k': 'v'}}");
        Repr("[[], {}, [[1]]]").Should().Be("[[], {}, [[1]]]");
    }

    [Theory]
    [InlineData("[]", "()")]
    [InlineData("[1]", "(1,)")]
    [InlineData("[2, 3]", "(2, 3)")]
    [InlineData("[\"a\", [1, 2], {\"k\": null}]", "('a', [1, 2], {'k': None})")]
    public void Tuples(string json, string expected) => PythonRepr.FormatTuple(JsonNode.Parse(json)!.AsArray()).Should().Be(expected);

    [Fact]
    public void FormatString_is_a_python_str_repr() => PythonRepr.FormatString("don't").Should().Be("\"don't\"");

    [Fact]
    public void Long_reprs_are_cut_at_the_limit()
    {
        var args = new JsonArray(new string('a', 2000));
        PythonRepr.FormatTuple(args).Should().HaveLength(PythonRepr.MaxLength);
        PythonRepr.Format(args, 10).Should().Be("['aaaaaaaa");
    }
}
