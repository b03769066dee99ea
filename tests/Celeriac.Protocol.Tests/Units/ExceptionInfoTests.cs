using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>ExceptionInfo against Python's str(exc) and repr(exc) for the same exception args.</summary>
public class ExceptionInfoTests
{
    private static ExceptionInfo Exc(string type, string argsJson) => new(type, JsonNode.Parse(argsJson), "builtins");

    [Theory]
    [InlineData("ValueError", "[\"boom\"]", "ValueError('boom')", "boom")]
    [InlineData("ValueError", "[]", "ValueError()", "")]
    [InlineData("ValueError", "[\"a\", 1]", "ValueError('a', 1)", "('a', 1)")]
    [InlineData("TimeLimitExceeded", "[60.0]", "TimeLimitExceeded(60.0)", "60.0")]
    [InlineData("KeyError", "[\"not yet\"]", "KeyError('not yet')", "'not yet'")]
    [InlineData("NotRegistered", "[\"tasks.nope\"]", "NotRegistered('tasks.nope')", "tasks.nope")]
    [InlineData("ValueError", "\"old style\"", "ValueError('old style')", "old style")]
    public void Repr_and_message_are_pythons(string type, string args, string repr, string message)
    {
        var exc = Exc(type, args);
        exc.Repr.Should().Be(repr);
        exc.Message.Should().Be(message);
    }

    [Fact]
    public void ToJson_writes_the_three_keys_in_python_order() =>
        ExceptionInfo.Of("ValueError", "builtins", "boom").ToJson().ToJsonString()
            .Should().Be("""{"exc_type":"ValueError","exc_message":["boom"],"exc_module":"builtins"}""");

    [Fact]
    public void FromJson_returns_null_for_values_that_are_not_exceptions()
    {
        ExceptionInfo.FromJson(JsonNode.Parse("5")).Should().BeNull();
        ExceptionInfo.FromJson(JsonNode.Parse("""{"pid": 1}""")).Should().BeNull();
        ExceptionInfo.FromJson(null).Should().BeNull();
    }

    [Fact]
    public void FromJson_defaults_a_missing_module_to_builtins() =>
        ExceptionInfo.FromJson(JsonNode.Parse("""{"exc_type": "ValueError", "exc_message": ["x"]}"""))!.Module.Should().Be("builtins");

    [Fact]
    public void Repr_is_never_cut()
    {
        var message = new string('m', 3000);
        ExceptionInfo.Of("ValueError", "builtins", message).Repr.Should().Be($"ValueError('{message}')");
        new ExceptionInfo("ValueError", new JsonArray(message, 1), "builtins").Repr.Should().Be($"ValueError('{message}', 1)");
    }
}
