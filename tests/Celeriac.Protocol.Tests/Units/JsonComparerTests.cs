using System.Text.Json.Nodes;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>The comparer is the judge of every golden test; it must not be lenient where Python is not.</summary>
public class JsonComparerTests
{
    private static JsonNode? J(string json) => JsonNode.Parse(json);

    [Fact]
    public void Equal_trees_have_no_difference() =>
        JsonComparer.Ordered.FirstDifference(J("""{"a": [1, 2.5, "x", null, true], "b": {}}"""), J("""{"a":[1,2.5,"x",null,true],"b":{}}""")).Should().BeNull();

    [Fact]
    public void Integer_and_float_are_different_kinds_even_when_equal_in_value()
    {
        JsonComparer.Strict.FirstDifference(J("""{"freq": 2.0}"""), J("""{"freq": 2}""")).Should().StartWith("$.freq: expected Float");
        JsonComparer.Strict.FirstDifference(J("[2]"), J("[2.0]")).Should().StartWith("$[0]: expected Integer");
    }

    [Fact]
    public void A_double_that_would_serialize_without_a_fraction_counts_as_an_integer()
    {
        // JsonValue.Create(2.0) writes "2": Python would read an int.
        JsonComparer.KindOf(JsonValue.Create(2.0)).Should().Be(JsonKind.Integer);
        JsonComparer.KindOf(JsonValue.Create(2.5)).Should().Be(JsonKind.Float);
        JsonComparer.KindOf(J("1e16")).Should().Be(JsonKind.Float);
    }

    [Fact]
    public void Floats_compare_by_value_not_spelling() =>
        JsonComparer.Strict.FirstDifference(J("1e+16"), J("1E16")).Should().BeNull();

    [Fact]
    public void Reports_the_path_of_the_first_difference()
    {
        var diff = JsonComparer.Strict.FirstDifference(J("""{"a": {"b": [1, {"c": "x"}]}}"""), J("""{"a": {"b": [1, {"c": "y"}]}}"""));
        diff.Should().StartWith("$.a.b[1].c: expected \"x\" but got \"y\"");
    }

    [Fact]
    public void Reports_missing_and_unexpected_keys()
    {
        JsonComparer.Strict.FirstDifference(J("""{"a": 1, "b": 2}"""), J("""{"a": 1}""")).Should().Be("$: missing key(s) 'b'");
        JsonComparer.Strict.FirstDifference(J("""{"a": 1}"""), J("""{"a": 1, "c": null}""")).Should().Be("$: unexpected key(s) 'c'");
    }

    [Fact]
    public void Null_differs_from_absent_and_from_empty()
    {
        JsonComparer.Strict.FirstDifference(J("""{"a": null}"""), J("{}")).Should().NotBeNull();
        JsonComparer.Strict.FirstDifference(J("""{"a": null}"""), J("""{"a": []}""")).Should().NotBeNull();
    }

    [Fact]
    public void Key_order_is_checked_only_when_asked()
    {
        JsonComparer.Strict.FirstDifference(J("""{"a": 1, "b": 2}"""), J("""{"b": 2, "a": 1}""")).Should().BeNull();
        JsonComparer.Ordered.FirstDifference(J("""{"a": 1, "b": 2}"""), J("""{"b": 2, "a": 1}""")).Should().StartWith("$: key order differs");
    }

    [Fact]
    public void Ignores_keys_by_name_anywhere_and_by_full_path()
    {
        var byName = JsonComparer.Strict.Ignoring("delivery_tag");
        byName.FirstDifference(J("""{"p": {"delivery_tag": "a"}}"""), J("""{"p": {"delivery_tag": "b"}}""")).Should().BeNull();
        byName.FirstDifference(J("""{"p": {"delivery_tag": "a"}}"""), J("""{"p": {}}""")).Should().BeNull();

        var byPath = JsonComparer.Strict.Ignoring("$.p.tag");
        byPath.FirstDifference(J("""{"p": {"tag": 1}, "tag": 1}"""), J("""{"p": {"tag": 2}, "tag": 1}""")).Should().BeNull();
        byPath.FirstDifference(J("""{"p": {"tag": 1}, "tag": 1}"""), J("""{"p": {"tag": 1}, "tag": 2}""")).Should().Be("$.tag: expected 1 but got 2");
    }

    [Fact]
    public void Strings_compare_ordinally_and_array_lengths_matter()
    {
        JsonComparer.Strict.FirstDifference(J("\"\\u00fcn\""), J("\"ün\"")).Should().BeNull("escaping is spelling, not value");
        JsonComparer.Strict.FirstDifference(J("\"a\""), J("\"A\"")).Should().NotBeNull();
        JsonComparer.Strict.FirstDifference(J("[1, 2]"), J("[1]")).Should().Be("$: expected 2 element(s) but got 1");
    }

    [Fact]
    public void AssertEqual_fails_with_the_difference()
    {
        var act = () => JsonComparer.Strict.AssertEqual(J("[1]"), J("[2]"), "ctx");
        act.Should().Throw<Exception>().WithMessage("ctx: $[0]: expected 1 but got 2*");
    }
}
