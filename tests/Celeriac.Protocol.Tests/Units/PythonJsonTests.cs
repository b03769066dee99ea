using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>PythonJson against what CPython 3's <c>json.dumps</c> (kombu's <c>dumps</c>) prints for the same values.</summary>
public class PythonJsonTests
{
    private static string Dumps(string json) => PythonJson.Dumps(JsonNode.Parse(json));

    [Theory]
    [InlineData("[1,\"c88e6c45\",\"SUCCESS\",4]", "[1, \"c88e6c45\", \"SUCCESS\", 4]")]
    [InlineData("{\"n\":null,\"t\":true,\"f\":false}", "{\"n\": null, \"t\": true, \"f\": false}")]
    [InlineData("{\"nested\":[[],{},[1,[2,{\"a\":[]}]]]}", "{\"nested\": [[], {}, [1, [2, {\"a\": []}]]]}")]
    [InlineData("null", "null")]
    public void Separators_are_a_comma_and_a_colon_each_followed_by_a_space(string json, string python) =>
        Dumps(json).Should().Be(python);

    [Theory]
    [InlineData("2.0", "2.0")]
    [InlineData("2.50", "2.5")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e16", "1e+16")]
    [InlineData("1.5e-05", "1.5e-05")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("100.0", "100.0")]
    [InlineData("1e22", "1e+22")]
    [InlineData("1e400", "Infinity")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("-0", "0")]
    public void Numbers_are_ints_digit_for_digit_and_floats_as_their_repr(string json, string python) =>
        Dumps(json).Should().Be(python);

    [Fact]
    public void Floats_built_in_process_keep_their_fraction() =>
        PythonJson.Dumps(new JsonArray(CeleryJson.PythonFloat(2), JsonValue.Create(3))).Should().Be("[2.0, 3]");

    [Fact]
    public void Strings_are_ascii_with_python_escapes()
    {
        // print(json.dumps({"k": "é ü 😀 \u007f \x01 \b\f\n\r\t \"q\" \\ /"}))
        var value = new JsonObject { ["k"] = "é ü 😀 \u007f \u0001 \b\f\n\r\t \"q\" \\ /" };

        PythonJson.Dumps(value).Should().Be("""{"k": "\u00e9 \u00fc \ud83d\ude00 \u007f \u0001 \b\f\n\r\t \"q\" \\ /"}""");
        PythonJson.DumpsUtf8(value).Should().OnlyContain(b => b < 0x80);
    }

    [Fact]
    public void Chord_join_members_of_the_vector_are_written_byte_for_byte()
    {
        var commands = Vector.Load(VectorCatalog.ChordJoinCommands);
        var members = new[] { "success_case_commands", "failure_case_commands_truncated_600" }
            .SelectMany(k => commands.Arr(k))
            .Select(c => c!.AsArray().Select(x => x!.GetValue<string>()).ToArray())
            .Where(c => c[0] == "ZADD")
            .Select(c => c[3])
            .ToList();

        members.Should().HaveCount(5);
        foreach (var member in members) Dumps(member).Should().Be(member);
    }
}
