using System.Text.Json;
using Celeriac.CommandLine.Commands;

namespace Celeriac.Cli.Tests;

/// <summary>A JSON argument that is malformed or of the wrong kind is a one-line usage error naming its option.</summary>
public sealed class JsonArgumentTests
{
    [Fact]
    public void Well_formed_json_of_the_expected_kind_is_returned()
    {
        JsonArgument.Parse("-a", "[2, \"x\"]", JsonValueKind.Array).ToJsonString().Should().Be("[2,\"x\"]");
        JsonArgument.Parse("-k", "{\"y\": 1}", JsonValueKind.Object)["y"]!.GetValue<int>().Should().Be(1);
    }

    [Theory]
    [InlineData("[2, 2", JsonValueKind.Array, "-a: not valid JSON")]
    [InlineData("{'x': 1}", JsonValueKind.Object, "-a: not valid JSON")]
    [InlineData("{\"x\": 1}", JsonValueKind.Array, "-a: expected a JSON array")]
    [InlineData("2", JsonValueKind.Object, "-a: expected a JSON object")]
    [InlineData("null", JsonValueKind.Array, "-a: expected a JSON array")]
    public void Malformed_or_wrong_json_is_a_usage_error_on_one_line(string text, JsonValueKind kind, string message)
    {
        var error = FluentActions.Invoking(() => JsonArgument.Parse("-a", text, kind)).Should().Throw<CliException>().Which;

        error.ExitCode.Should().Be(CliExitCode.Usage);
        error.Message.Should().StartWith(message).And.NotContain("\n");
    }
}
