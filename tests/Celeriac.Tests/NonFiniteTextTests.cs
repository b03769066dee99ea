using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Exceptions;
using Celeriac.Serialization;

namespace Celeriac.Tests;

/// <summary>
/// Text made for logs and error messages from nodes that may hold a NaN or an infinity (a Python
/// peer's values): <c>JsonNode.ToJsonString()</c> throws on them, which in a log or error path
/// turned one odd value into a second, unrelated failure.
/// </summary>
public sealed class NonFiniteTextTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = CeleriacJson.CreateDefaultOptions();

    [Fact]
    public void A_signature_with_NaN_and_infinities_prints_them_as_python_does()
    {
        var sig = new Signature("nf.add", new JsonArray(CeleriacJson.ToNode(double.NaN, Options), CeleriacJson.ToNode(double.PositiveInfinity, Options), null));

        sig.ToString().Should().Be("nf.add(NaN, Infinity, None)");
    }

    [Fact]
    public void Exception_args_holding_NaN_are_capped_without_throwing()
    {
        var args = new JsonArray(CeleriacJson.ToNode(double.NaN, Options), "message");

        var capped = FailureText.CapArguments(args);

        capped!.AsArray().Should().HaveCount(2);
        capped[1]!.GetValue<string>().Should().Be("message");
    }
}
