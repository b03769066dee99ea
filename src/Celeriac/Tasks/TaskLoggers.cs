using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Tasks;

/// <summary>
/// The logger a task's <c>ILogger</c> or <c>ILogger&lt;T&gt;</c> parameter gets. It comes from the
/// app's logger factory (<see cref="CeleriacOptions.LoggerFactory"/>); when that is left at its
/// default (none), from the <see cref="ILoggerFactory"/> of the app's services; with neither, a
/// logger that discards everything — a task that logs must run whether or not anyone listens.
/// A plain <c>ILogger</c> is named after the task (<c>tasks.add</c>), an <c>ILogger&lt;T&gt;</c> after <c>T</c>.
/// </summary>
internal static class TaskLoggers
{
    // Logger<T> is made by reflection once per factory and T, not per task run.
    private static readonly ConditionalWeakTable<ILoggerFactory, ConcurrentDictionary<Type, ILogger>> Typed = new();

    public static ILogger For(Type parameterType, TaskContext context)
    {
        var factory = FactoryOf(context.App);
        if (parameterType == typeof(ILogger)) return factory.CreateLogger(context.TaskName);
        return Typed.GetOrCreateValue(factory).GetOrAdd(parameterType, static (type, f) =>
            (ILogger)Activator.CreateInstance(typeof(Logger<>).MakeGenericType(type.GetGenericArguments()), f)!, factory);
    }

    /// <summary>The factory tasks log through (the worker begins each run's logger scope on it).</summary>
    public static ILoggerFactory FactoryOf(CeleriacApp app) =>
        app.Options.LoggerFactory is { } own && own is not NullLoggerFactory ? own
        : app.Services?.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
}
