using Celeriac.Dashboard.Web;

namespace Celeriac.Dashboard.Tests.Web;

public sealed class PythonLiteralTests
{
    [Theory]
    [InlineData("(2, 2)", "[2,2]")]
    [InlineData("(1,)", "[1]")]
    [InlineData("()", "[]")]
    [InlineData("[]", "[]")]
    [InlineData("{}", "{}")]
    [InlineData("[1, [2, (3, 4)], {'a': None}]", "[1,[2,[3,4]],{\"a\":null}]")]
    [InlineData("{'x': 1, \"y\": 'two', 'z': True, 'w': False}", "{\"x\":1,\"y\":\"two\",\"z\":true,\"w\":false}")]
    [InlineData("('it\\'s', \"say \\\"hi\\\"\")", "[\"it's\",\"say \\u0022hi\\u0022\"]")]
    [InlineData("('a\\nb\\tc\\\\d',)", "[\"a\\nb\\tc\\\\d\"]")]
    [InlineData("('\\x41\\u00e9\\U0001F600',)", "[\"A\\u00E9\\uD83D\\uDE00\"]")]
    [InlineData("('é unicode ✓',)", "[\"\\u00E9 unicode \\u2713\"]")]
    [InlineData("(-5, 3.25, 1e+20, -0.5, 12345678901234567890123)", "[-5,3.25,1E+20,-0.5,12345678901234567890123]")]
    [InlineData("(1_000, .5, 2.)", "[1000,0.5,2]")]
    [InlineData("{1: 'a', None: 'b', True: 'c'}", "{\"1\":\"a\",\"null\":\"b\",\"true\":\"c\"}")]
    [InlineData("[true, false, null]", "[true,false,null]")]
    [InlineData("  ( 1 , 2 , )  ", "[1,2]")]
    [InlineData("(r'C:\\dir', u'x')", "[\"C:\\\\dir\",\"x\"]")]
    [InlineData("None", "null")]
    public void Reads_a_repr_into_json(string repr, string json)
    {
        Assert.True(PythonLiteral.TryParse(repr, out var value, out var error), error);
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(json)?.ToJsonString() ?? "null", value?.ToJsonString() ?? "null");
    }

    [Theory]
    [InlineData("(1, 'xxxxxxxxxxxxxxxx...', ...)", "cut short")]
    [InlineData("[0, 1, 2, 223, 224, 225, 226..., ...]", "cut short")]
    [InlineData("{'a': {'b': [1, (...,)]}}", "cut short")]
    [InlineData("(1, 2", "ends early")]
    [InlineData("('abc", "not closed")]
    [InlineData("(b'xy',)", "bytes")]
    [InlineData("({1, 2},)", "set")]
    [InlineData("(float('inf'),)", "float(…) object")]
    [InlineData("(inf,)", "non-finite")]
    [InlineData("(nan,)", "non-finite")]
    [InlineData("(datetime.datetime(2026, 1, 1, 0, 0),)", "datetime.datetime(…) object")]
    [InlineData("(<object object at 0x7f>,)", "object's repr")]
    [InlineData("(1 2)", "expected ','")]
    [InlineData("(1,) extra", "unexpected")]
    [InlineData("", "ends early")]
    [InlineData("('\\xZZ',)", "malformed")]
    public void Refuses_what_cannot_be_sent_again(string repr, string reason)
    {
        Assert.False(PythonLiteral.TryParse(repr, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_what_celery_saferepr_writes_for_a_real_call()
    {
        // saferepr((1, 'x', {'k': [1.5, None]}), 1024) and its kwargs, as a Python worker's task-received carries them.
        Assert.True(PythonLiteral.TryParse("(1, 'x', {'k': [1.5, None]})", out var args, out _));
        Assert.Equal("[1,\"x\",{\"k\":[1.5,null]}]", args!.ToJsonString());
        Assert.True(PythonLiteral.TryParse("{'name': 'alice', 'n': 3}", out var kwargs, out _));
        Assert.Equal("{\"name\":\"alice\",\"n\":3}", kwargs!.ToJsonString());
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        var deep = new string('[', 100) + new string(']', 100);
        Assert.False(PythonLiteral.TryParse(deep, out _, out var error));
        Assert.Contains("nested too deeply", error, StringComparison.Ordinal);
    }
}
