using System.Text.Json.Nodes;

namespace Celeriac.Canvas;

/// <summary>
/// A signature of a task whose result type is known (from a typed handle's <c>S(...)</c>, e.g. <c>add.S(2, 2)</c>):
/// <see cref="ApplyAsync"/> returns an <see cref="AsyncResult{T}"/>. On the wire it is a plain
/// signature.
/// </summary>
/// <typeparam name="TResult">What the task returns.</typeparam>
/// <example><code>AsyncResult&lt;int&gt; r = await add.S(2).DelayAsync(3);   // add(3, 2)</code></example>
public sealed class Signature<TResult> : Signature
{
    internal Signature(CeleriacApp app, string task, JsonArray args, JsonObject kwargs, JsonObject options, bool immutable)
        : base(task, args, kwargs, options, immutable)
    {
        App = app;
    }

    /// <summary>Sends the task (Celery's <c>apply_async</c>) with <paramref name="args"/> prepended; runs it in place when eager.</summary>
    public new Task<AsyncResult<TResult>> ApplyAsync(IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null,
        TaskSendOptions? options = null, CancellationToken cancellationToken = default) =>
        ApplyAsync<TResult>(args, kwargs, options, cancellationToken);

    /// <summary>Sends the task with these positional arguments prepended (Celery's <c>delay</c>).</summary>
    public new Task<AsyncResult<TResult>> DelayAsync(params object?[] args) => ApplyAsync<TResult>(args);

    /// <summary>Sets execution options under Celery's keys; returns this signature.</summary>
    public new Signature<TResult> Set(TaskSendOptions options)
    {
        base.Set(options);
        return this;
    }
}
