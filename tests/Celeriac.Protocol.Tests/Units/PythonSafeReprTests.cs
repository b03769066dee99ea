using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>
/// PythonSafeRepr against celery/utils/saferepr.py of Celery v5.2.6, run on the same values (the
/// expected strings were produced by that file; tuples are top-level args, the only tuples JSON keeps).
/// </summary>
public class PythonSafeReprTests
{
    [Theory]
    [InlineData("tuple", "[2, 3]", 1024, "(2, 3)")]
    [InlineData("tuple", "[1]", 1024, "(1,)")]
    [InlineData("value", "[2, 3]", 1024, "[2, 3]")]
    [InlineData("tuple", "[]", 1024, "()")]
    [InlineData("value", "{\"x\": 1.5, \"y\": \"\\u00fcn\\u00efcode\", \"z\": null, \"l\": [1, \"a\", true], \"d\": {\"k\": \"v\"}}", 1024, "{'x': 1.5, 'y': '\u00fcn\u00efcode', 'z': None, 'l': [1, 'a', True], 'd': {'k': 'v'}}")]
    [InlineData("tuple", "[\"it's\"]", 1024, "('it\\'s',)")]
    [InlineData("tuple", "[\"a\\nb\\\\c\\t\\u0001\\u2028\\u00e9\"]", 1024, "('a\nb\\c\t\u0001\u2028\u00e9',)")]
    [InlineData("tuple", "[\"say \\\"hi\\\"\"]", 1024, "('say \"hi\"',)")]
    [InlineData("tuple", "[[[[1]]]]", 1024, "([[[...]]],)")]
    [InlineData("tuple", "[{\"a\": {\"b\": {\"c\": {\"d\": 1}}}}]", 1024, "({'a': {'b': {...}}},)")]
    [InlineData("value", "[[[[1]]]]", 1024, "[[[[...]]]]")]
    [InlineData("value", "[[[[]]]]", 1024, "[[[[...]]]]")]
    [InlineData("value", "[1, 2]", 5, "[1, 2..., ...")]
    [InlineData("value", "[1, [2]]", 4, "[1, , ...]]")]
    [InlineData("tuple", "[\"hello world foo\"]", 8, "('hello...', ...")]
    [InlineData("tuple", "[\"xxxxxxxxxxxxxxxxxxxx\"]", 10, "('xxxxxxxxx...', ...")]
    [InlineData("tuple", "[1, \"abc def ghi\", 3]", 12, "(1, 'abc def...', ...)")]
    [InlineData("tuple", "[1e+16, 1.0, 1.5e-05, 12345678901234567890, false]", 1024, "(1e+16, 1.0, 1.5e-05, 12345678901234567890, False)")]
    [InlineData("value", "{\"k'ey\": 1}", 1024, "{'k\\'ey': 1}")]
    [InlineData("tuple", "[1, 2, 3, 4, 5]", 7, "(1, 2, , ...)")]
    [InlineData("value", "{\"a\": 1, \"b\": 2}", 6, "{'a': , ...}")]
    [InlineData("value", "\"slept 3\"", 1024, "'slept 3'")]
    [InlineData("value", "5", 1024, "5")]
    [InlineData("value", "{\"n\": 7, \"retries\": 2}", 1024, "{'n': 7, 'retries': 2}")]
    [InlineData("value", "null", 1024, "None")]
    [InlineData("value", "[null, null, null]", 8, "[None, N..., ...]")]
    [InlineData("value", "{\"key with spaces here\": 1}", 10, "{'key with...', ...}")]
    [InlineData("tuple", "[\"a b\"]", 4, "('a...', ...")]
    public void Matches_celery_5_2_saferepr(string kind, string json, int maxLength, string expected)
    {
        var node = JsonNode.Parse(json);
        var actual = kind == "tuple" ? PythonSafeRepr.FormatTuple(node!.AsArray(), maxLength) : PythonSafeRepr.Format(node, maxLength);
        actual.Should().Be(expected);
    }

    [Fact]
    public void A_long_string_argument_is_cut_and_the_tuple_left_open()
    {
        var args = new JsonArray(new string('x', 2000));
        PythonSafeRepr.FormatTuple(args).Should().Be("('" + new string('x', 1023) + "...', ...");
    }

    [Fact]
    public void A_string_that_fits_keeps_the_closing_bracket_even_past_the_limit()
    {
        var args = new JsonArray(new string('x', 1020));
        PythonSafeRepr.FormatTuple(args).Should().Be("('" + new string('x', 1020) + "',)").And.HaveLength(1025);
    }

    [Fact]
    public void A_long_list_ends_with_an_ellipsis_and_its_brackets()
    {
        var args = new JsonArray(new JsonArray(Enumerable.Range(0, 300).Select(_ => (JsonNode?)"a").ToArray()));
        var repr = PythonSafeRepr.FormatTuple(args);
        repr.Should().StartWith("(['a', 'a'").And.EndWith("'a', 'a', ...],)").And.HaveLength(1033);
    }

    [Fact]
    public void Unlimited_length_and_levels_are_plain_saferepr()
    {
        var deep = JsonNode.Parse("[[[[[1]]]]]");
        PythonSafeRepr.Format(deep, int.MaxValue, maxLevels: 0).Should().Be("[[[[[1]]]]]");
        PythonSafeRepr.Format(JsonNode.Parse("\"" + new string('y', 3000) + "\""), int.MaxValue).Should().HaveLength(3002);
    }

    [Fact]
    public void Differs_from_repr_where_celery_does()
    {
        var value = JsonNode.Parse("""["it's", "a\nb"]""");
        PythonSafeRepr.Format(value).Should().Be("['it\\'s', 'a\nb']");
        PythonRepr.Format(value).Should().Be("[\"it's\", 'a\\nb']");
    }
}
