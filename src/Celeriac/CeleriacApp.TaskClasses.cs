using Celeriac.Tasks;

namespace Celeriac;

public sealed partial class CeleriacApp
{
    /// <summary>
    /// Registers a task class: its one public <c>RunAsync</c> method is the body, whose parameters bind
    /// like a task delegate's (message arguments, <see cref="TaskContext"/>, <see cref="CancellationToken"/>,
    /// loggers, services). Each run resolves the class from a DI scope of its own, disposed after the
    /// run, so a scoped dependency (a DbContext) serves one run. Needs <see cref="Services"/>; with
    /// the Generic Host use <c>services.AddCeleriac().AddTask&lt;T&gt;()</c>, which registers the class as scoped.
    /// </summary>
    /// <param name="name">Stable task name, e.g. <c>orders.process</c>; Python peers use the same string.</param>
    /// <param name="taskClass">The class; resolved from the run's scope, or created with its constructor's services when not registered.</param>
    /// <param name="configure">Task options.</param>
    public CeleriacTask Task(string name, Type taskClass, Action<TaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(taskClass);
        return new CeleriacTask(this, Define(name, TaskInvoker.ForClass(taskClass, _isService), configure));
    }

    /// <summary>The handle of a task registered on this app, by name (typed handles keep their own).</summary>
    /// <exception cref="KeyNotFoundException">No task of that name is registered; the message lists those that are.</exception>
    public CeleriacTask GetTask(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Tasks.Find(name) is { } definition
            ? new CeleriacTask(this, definition)
            : throw new KeyNotFoundException($"No task named '{name}' is registered. Registered: {string.Join(", ", Tasks.Names)}");
    }
}
