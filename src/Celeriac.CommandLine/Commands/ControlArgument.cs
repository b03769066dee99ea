using System.Globalization;
using System.Text.Json.Nodes;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// One positional argument of a control command, typed as Celery's panel declares it (<c>args=[('n', int)]</c>):
/// the word on the command line becomes the keyword argument <see cref="Name"/> of the request.
/// </summary>
internal sealed record ControlArgument(string Name, Func<string, JsonNode> Read)
{
    public static ControlArgument Text(string name) => new(name, value => JsonValue.Create(value));

    public static ControlArgument Integer(string name) => new(name, value =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? JsonValue.Create(n)
            : throw CliException.Usage($"{name} must be an integer, not '{value}'"));

    public static ControlArgument Number(string name) => new(name, value =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x)
            ? JsonValue.Create(x)
            : throw CliException.Usage($"{name} must be a number, not '{value}'"));
}
