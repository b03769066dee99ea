using System.Text.Json.Nodes;

namespace Celeriac.Tasks;

/// <summary>
/// Declare a task parameter of this type to receive the message's raw positional and keyword
/// arguments, like Python's <c>*args, **kwargs</c>: the task then accepts any arguments.
/// </summary>
/// <param name="Args">Positional arguments exactly as received.</param>
/// <param name="Kwargs">Keyword arguments exactly as received.</param>
public sealed record TaskArguments(JsonArray Args, JsonObject Kwargs);
