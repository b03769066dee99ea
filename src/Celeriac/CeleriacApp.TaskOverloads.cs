// One overload per arity so the result type is inferred from the delegate; kept by hand from one pattern.
using Celeriac.Tasks;

namespace Celeriac;

/// <content>Typed task registration: the result type is inferred from the delegate.</content>
public sealed partial class CeleriacApp
{
    /// <summary>Registers a task of 0 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name, e.g. <c>tasks.add</c>.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<TResult>(string name, Func<TResult> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 0 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<TResult>(string name, Func<Task<TResult>> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task without parameters or result.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask Task(string name, Func<Task> function, Action<TaskOptions>? configure = null) => Register(name, function, configure);

    /// <summary>Registers a task of 1 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name, e.g. <c>tasks.add</c>.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, TResult>(string name, Func<T1, TResult> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 1 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, TResult>(string name, Func<T1, Task<TResult>> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 1 parameter(s) with no result.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask Task<T1>(string name, Func<T1, Task> function, Action<TaskOptions>? configure = null) => Register(name, function, configure);

    /// <summary>Registers a task of 2 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name, e.g. <c>tasks.add</c>.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, TResult>(string name, Func<T1, T2, TResult> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 2 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, TResult>(string name, Func<T1, T2, Task<TResult>> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 2 parameter(s) with no result.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask Task<T1, T2>(string name, Func<T1, T2, Task> function, Action<TaskOptions>? configure = null) => Register(name, function, configure);

    /// <summary>Registers a task of 3 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name, e.g. <c>tasks.add</c>.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, T3, TResult>(string name, Func<T1, T2, T3, TResult> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 3 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, T3, TResult>(string name, Func<T1, T2, T3, Task<TResult>> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 3 parameter(s) with no result.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask Task<T1, T2, T3>(string name, Func<T1, T2, T3, Task> function, Action<TaskOptions>? configure = null) => Register(name, function, configure);

    /// <summary>Registers a task of 4 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name, e.g. <c>tasks.add</c>.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, T3, T4, TResult>(string name, Func<T1, T2, T3, T4, TResult> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 4 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, T3, T4, TResult>(string name, Func<T1, T2, T3, T4, Task<TResult>> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 4 parameter(s) with no result.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask Task<T1, T2, T3, T4>(string name, Func<T1, T2, T3, T4, Task> function, Action<TaskOptions>? configure = null) => Register(name, function, configure);

    /// <summary>Registers a task of 5 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name, e.g. <c>tasks.add</c>.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, T3, T4, T5, TResult>(string name, Func<T1, T2, T3, T4, T5, TResult> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 5 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, T3, T4, T5, TResult>(string name, Func<T1, T2, T3, T4, T5, Task<TResult>> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 5 parameter(s) with no result.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask Task<T1, T2, T3, T4, T5>(string name, Func<T1, T2, T3, T4, T5, Task> function, Action<TaskOptions>? configure = null) => Register(name, function, configure);

    /// <summary>Registers a task of 6 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name, e.g. <c>tasks.add</c>.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, T3, T4, T5, T6, TResult>(string name, Func<T1, T2, T3, T4, T5, T6, TResult> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 6 parameter(s) returning <typeparamref name="TResult"/>.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask<TResult> Task<T1, T2, T3, T4, T5, T6, TResult>(string name, Func<T1, T2, T3, T4, T5, T6, Task<TResult>> function, Action<TaskOptions>? configure = null) => Register<TResult>(name, function, configure);

    /// <summary>Registers an async task of 6 parameter(s) with no result.</summary>
    /// <param name="name">Stable task name.</param><param name="function">The task body.</param><param name="configure">Task options.</param>
    public CeleriacTask Task<T1, T2, T3, T4, T5, T6>(string name, Func<T1, T2, T3, T4, T5, T6, Task> function, Action<TaskOptions>? configure = null) => Register(name, function, configure);
}
