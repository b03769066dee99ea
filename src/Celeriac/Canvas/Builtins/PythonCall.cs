using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Tasks;

namespace Celeriac.Canvas.Builtins;

/// <summary>
/// Binds a message's args and kwargs to a Python signature's parameter names, as Python would
/// call the built-in: positionals first, then keywords; what is left over is the
/// <c>**kwargs</c>.
/// </summary>
internal sealed class PythonCall
{
    private readonly Dictionary<string, JsonNode?> _bound = new(StringComparer.Ordinal);

    public PythonCall(string task, TaskArguments arguments, params string[] parameters)
    {
        if (arguments.Args.Count > parameters.Length)
            throw new TaskArgumentException($"{task}() takes {parameters.Length} positional arguments but {arguments.Args.Count} were given");
        for (var i = 0; i < arguments.Args.Count; i++) _bound[parameters[i]] = arguments.Args[i];
        Rest = new JsonObject();
        foreach (var (key, value) in arguments.Kwargs)
        {
            if (!parameters.Contains(key)) Rest[key] = value?.DeepClone();
            else if (!_bound.TryAdd(key, value)) throw new TaskArgumentException($"{task}() got multiple values for argument '{key}'");
        }
        Task = task;
    }

    public string Task { get; }

    /// <summary>Keywords that match no parameter (Python's <c>**kwargs</c>).</summary>
    public JsonObject Rest { get; }

    /// <summary>The argument, or null when not given (Python's default None).</summary>
    public JsonNode? Optional(string name) => _bound.GetValueOrDefault(name);

    public JsonNode Required(string name) =>
        _bound.GetValueOrDefault(name) ?? throw new TaskArgumentException($"{Task}() missing required argument: '{name}'");
}
