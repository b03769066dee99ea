using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Celeriac.Tasks;

/// <summary>One parameter of a task delegate and how it is bound.</summary>
internal sealed record TaskParameter(string Name, Type Type, ParameterSource Source, int ArgumentIndex, bool HasDefault, object? DefaultValue)
{
    /// <summary>
    /// The keyword names that bind this parameter: its own name, and its snake_case form, so a
    /// Python caller's <c>first_name=</c> reaches <c>firstName</c>.
    /// </summary>
    public string[] KeywordNames { get; } = SnakeCase(Name) is var snake && snake != Name ? [Name, snake] : [Name];

    private static string SnakeCase(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary><c>ILogger</c> or <c>ILogger&lt;T&gt;</c>: bound from a logger factory, never from the message.</summary>
    public static bool IsLogger(Type type) =>
        type == typeof(ILogger) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ILogger<>));

    public static TaskParameter From(ParameterInfo p, int argumentIndex, Func<Type, bool> isService)
    {
        if (p.ParameterType.IsByRef) throw new ArgumentException($"Task parameter '{p.Name}' is passed by reference; tasks take values.");
        var source = p.ParameterType == typeof(TaskContext) ? ParameterSource.Context
            : p.ParameterType == typeof(CancellationToken) ? ParameterSource.Cancellation
            : p.ParameterType == typeof(TaskArguments) ? ParameterSource.AllArguments
            : IsLogger(p.ParameterType) ? ParameterSource.Logger
            : isService(p.ParameterType) ? ParameterSource.Service
            : ParameterSource.Argument;
        var name = p.Name ?? $"arg{p.Position}";
        return new TaskParameter(name, p.ParameterType, source, source == ParameterSource.Argument ? argumentIndex : -1,
            p.HasDefaultValue, p.HasDefaultValue ? p.DefaultValue : null);
    }
}
