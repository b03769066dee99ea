using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// A command-line value that is JSON (<c>call -a '[2, 2]' -k '{"x": 1}'</c>): parsed with the error named after
/// its option and shown on one line, so a typo is exit 2, not a stack trace.
/// </summary>
internal static class JsonArgument
{
    /// <summary>Parses <paramref name="text"/>, which must be JSON of <paramref name="kind"/> (array or object).</summary>
    /// <exception cref="CliException">Not JSON, or not of that kind (exit 2).</exception>
    public static JsonNode Parse(string option, string text, JsonValueKind kind)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw CliException.Usage($"{option}: not valid JSON ({e.Message})");
        }
        var actual = node?.GetValueKind() ?? JsonValueKind.Null;
        return actual == kind
            ? node!
            : throw CliException.Usage($"{option}: expected a JSON {Describe(kind)}, got {Describe(actual)} '{text}'");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array like [1, \"a\"]",
        JsonValueKind.Object => "object like {\"key\": 1}",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
