using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Celeriac.Tasks;

/// <summary>
/// Calls a task delegate with arguments bound from a message: JSON positional args in order, then
/// kwargs by parameter name, defaults for the rest; <see cref="TaskContext"/>,
/// <see cref="CancellationToken"/> and services by type. Built once per task; the call is compiled.
/// </summary>
internal sealed class TaskInvoker
{
    private readonly TaskParameter[] _parameters;
    private readonly int _argumentCount;
    private readonly bool _takesAllArguments;
    private readonly Func<object?[], object?> _call;
    private readonly Func<object?, ValueTask<object?>> _unwrap;
    private readonly Type? _taskClass;

    private TaskInvoker(TaskParameter[] parameters, Func<object?[], object?> call, Func<object?, ValueTask<object?>> unwrap, Type resultType, Type? taskClass = null)
    {
        _parameters = parameters;
        _taskClass = taskClass;
        _argumentCount = parameters.Count(p => p.Source == ParameterSource.Argument);
        _takesAllArguments = parameters.Any(p => p.Source == ParameterSource.AllArguments);
        _call = call;
        _unwrap = unwrap;
        ResultType = resultType;
    }

    /// <summary>What the task returns once awaited (<see cref="void"/> for none).</summary>
    public Type ResultType { get; }

    /// <summary>The parameters bound from message arguments, in positional order.</summary>
    public IEnumerable<TaskParameter> ArgumentParameters => _parameters.Where(p => p.Source == ParameterSource.Argument);

    /// <summary>
    /// Throws unless the worker binds exactly <paramref name="wire"/> from the message's positional
    /// arguments. A typed overload infers its argument types from the delegate's parameters, but only
    /// the worker knows which of them it binds by type (a service, <see cref="TaskArguments"/>, a
    /// <see cref="TaskContext"/> in another position): a handle that sent those would be a lie.
    /// </summary>
    public void CheckTypedArguments(string taskName, Type[] wire)
    {
        var sent = ArgumentParameters.ToArray();
        if (sent.Select(p => p.Type).SequenceEqual(wire) && !_takesAllArguments) return;
        var bound = _parameters.Where((p, i) => p.Source != ParameterSource.Argument &&
                                                !(i == 0 && p.Source == ParameterSource.Context) &&
                                                !(i == _parameters.Length - 1 && p.Source is ParameterSource.Context or ParameterSource.Cancellation or ParameterSource.Logger))
            .FirstOrDefault();
        var what = bound is null
            ? "its parameters do not match the typed handle"
            : $"parameter '{bound.Name}' ({bound.Type.Name}) is bound by the worker ({Describe(bound.Source)}), not sent, so a typed handle cannot take it as an argument";
        throw new ArgumentException(
            $"Task '{taskName}': {what}. A typed handle leaves out only a TaskContext taken first or last, and a CancellationToken or an ILogger/ILogger<T> taken last. " +
            "Register this task untyped, app.Task(name, (Delegate)function), and send it with DelayAsync(params object?[]) or ApplyAsync(args, kwargs).",
            "function");
    }

    private static string Describe(ParameterSource source) => source switch
    {
        ParameterSource.Context => "the TaskContext",
        ParameterSource.Cancellation => "the task's cancellation token",
        ParameterSource.AllArguments => "all the message's arguments",
        ParameterSource.Logger => "a logger from the app's logger factory",
        _ => "a service",
    };

    /// <summary>Analyses <paramref name="function"/>; <paramref name="isService"/> says which types come from DI.</summary>
    public static TaskInvoker Create(Delegate function, Func<Type, bool> isService) => Create(function.Method, function, null, isService);

    /// <summary>
    /// Analyses a task class's <c>RunAsync</c>: its parameters bind as a delegate's, and the instance
    /// is resolved from the run's DI scope (docs/architecture.md, Hosting), so its scoped
    /// dependencies live for one run.
    /// </summary>
    public static TaskInvoker ForClass(Type taskClass, Func<Type, bool> isService)
    {
        var runs = taskClass.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == "RunAsync").ToArray();
        if (runs.Length != 1)
            throw new ArgumentException($"Task class {taskClass.Name} must have exactly one public instance method RunAsync (it has {runs.Length}); its parameters bind like a task delegate's.", nameof(taskClass));
        if (runs[0].ContainsGenericParameters)
            throw new ArgumentException($"Task class {taskClass.Name}: RunAsync must not be generic.", nameof(taskClass));
        return Create(runs[0], null, taskClass, isService);
    }

    private static TaskInvoker Create(MethodInfo method, Delegate? function, Type? taskClass, Func<Type, bool> isService)
    {
        var index = 0;
        var parameters = method.GetParameters()
            .Select(p =>
            {
                var bound = TaskParameter.From(p, index, isService);
                if (bound.Source == ParameterSource.Argument) index++;
                return bound;
            })
            .ToArray();

        var input = Expression.Parameter(typeof(object?[]), "values");
        var arguments = parameters.Select((p, i) => Expression.Convert(Expression.ArrayIndex(input, Expression.Constant(i)), p.Type));
        // A class task's instance travels in the slot after the parameters.
        Expression invoke = taskClass is null
            ? Expression.Invoke(Expression.Constant(function), arguments)
            : Expression.Call(Expression.Convert(Expression.ArrayIndex(input, Expression.Constant(parameters.Length)), taskClass), method, arguments);
        Expression body = method.ReturnType == typeof(void)
            ? Expression.Block(invoke, Expression.Constant(null, typeof(object)))
            : Expression.Convert(invoke, typeof(object));
        var call = Expression.Lambda<Func<object?[], object?>>(body, input).Compile();
        var (unwrap, resultType) = AwaitableUnwrapper.For(method.ReturnType);
        return new TaskInvoker(parameters, call, unwrap, resultType, taskClass);
    }

    /// <summary>Binds and calls; returns the awaited result (null for void tasks).</summary>
    public async ValueTask<object?> InvokeAsync(TaskContext context, JsonSerializerOptions json, IServiceProvider? services)
    {
        // One scope per run, made only when something needs it, disposed when the body has ended —
        // also when it throws (failure, retry, time limit): scoped services never outlive their run.
        AsyncServiceScope? scope = null;
        try
        {
            var values = new object?[_taskClass is null ? _parameters.Length : _parameters.Length + 1];
            if (_taskClass is not null)
            {
                scope = (services ?? throw new TaskArgumentException($"task class {_taskClass.Name} needs a service provider (register it with AddCeleriac().AddTask<T>())")).CreateAsyncScope();
                values[^1] = scope.Value.ServiceProvider.GetService(_taskClass) ?? ActivatorUtilities.CreateInstance(scope.Value.ServiceProvider, _taskClass);
            }
            var usedKwargs = 0;
            for (var i = 0; i < _parameters.Length; i++)
            {
                var p = _parameters[i];
                switch (p.Source)
                {
                    case ParameterSource.Context:
                        values[i] = context;
                        break;
                    case ParameterSource.Cancellation:
                        values[i] = context.Cancellation;
                        break;
                    case ParameterSource.AllArguments:
                        values[i] = new TaskArguments(context.Args, context.Kwargs);
                        break;
                    case ParameterSource.Logger:
                        values[i] = TaskLoggers.For(p.Type, context);
                        break;
                    case ParameterSource.Service:
                        scope ??= (services ?? throw new TaskArgumentException($"parameter '{p.Name}' needs a service provider")).CreateAsyncScope();
                        values[i] = ResolveService(scope.Value.ServiceProvider, p);
                        break;
                    default:
                        values[i] = BindArgument(p, context, json, ref usedKwargs);
                        break;
                }
            }
            if (!_takesAllArguments) CheckNoExtras(context, usedKwargs);
            return await _unwrap(_call(values)).ConfigureAwait(false);
        }
        finally
        {
            if (scope is { } s) await s.DisposeAsync().ConfigureAwait(false);
        }
    }

    private object? BindArgument(TaskParameter p, TaskContext context, JsonSerializerOptions json, ref int usedKwargs)
    {
        JsonNode? node;
        var keyword = p.KeywordNames.FirstOrDefault(context.Kwargs.ContainsKey);
        if (p.ArgumentIndex < context.Args.Count)
        {
            if (keyword is not null)
                throw new TaskArgumentException($"{context.TaskName}() got multiple values for argument '{p.Name}'");
            node = context.Args[p.ArgumentIndex];
        }
        else if (keyword is not null)
        {
            node = context.Kwargs[keyword];
            usedKwargs++;
        }
        else if (p.HasDefault)
        {
            return p.DefaultValue;
        }
        else
        {
            throw new TaskArgumentException($"{context.TaskName}() missing required argument: '{p.Name}'");
        }

        if (node is null && p.Type.IsValueType && Nullable.GetUnderlyingType(p.Type) is null)
            throw new TaskArgumentException($"{context.TaskName}() argument '{p.Name}' is None but {p.Type.Name} cannot be null");
        try
        {
            return CeleriacJson.FromNode(node, p.Type, json);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new TaskArgumentException($"{context.TaskName}() argument '{p.Name}' cannot be read as {p.Type.Name}: {ex.Message}", ex);
        }
    }

    private void CheckNoExtras(TaskContext context, int usedKwargs)
    {
        if (context.Args.Count > _argumentCount)
            throw new TaskArgumentException($"{context.TaskName}() takes {_argumentCount} positional argument(s) but {context.Args.Count} were given");
        if (context.Kwargs.Count > usedKwargs)
        {
            var known = ArgumentParameters.SelectMany(p => p.KeywordNames).ToHashSet();
            var unknown = context.Kwargs.Select(k => k.Key).FirstOrDefault(k => !known.Contains(k));
            if (unknown is not null) throw new TaskArgumentException($"{context.TaskName}() got an unexpected keyword argument '{unknown}'");
        }
    }

    private static object ResolveService(IServiceProvider provider, TaskParameter p)
    {
        if (p.Type == typeof(IServiceProvider)) return provider;
        return provider.GetService(p.Type) ?? throw new TaskArgumentException($"no service of type {p.Type.Name} is registered for parameter '{p.Name}'");
    }
}
