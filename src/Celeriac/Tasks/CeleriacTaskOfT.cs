using Celeriac.Canvas;
using Celeriac.Serialization;

namespace Celeriac.Tasks;

/// <summary>A registered task whose result type is known: <c>AsyncResult&lt;int&gt; r = await add.DelayAsync(2, 2)</c>.</summary>
/// <typeparam name="TResult">What the task returns.</typeparam>
public sealed class CeleriacTask<TResult> : CeleriacTask
{
    internal CeleriacTask(CeleriacApp app, TaskDefinition definition) : base(app, definition) { }

    /// <summary>Sends the task with positional arguments (Celery's <c>delay</c>).</summary>
    public new Task<AsyncResult<TResult>> DelayAsync(params object?[] args) => ApplyAsync(args);

    /// <summary>Sends the task with arguments and options (Celery's <c>apply_async</c>); runs it in place when eager.</summary>
    public new async Task<AsyncResult<TResult>> ApplyAsync(IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null,
        TaskSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await App.ApplyAsync(Definition, CeleriacJson.ToArgs(args, App.Options.Json), CeleriacJson.ToKwargs(kwargs, App.Options.Json), options, cancellationToken).ConfigureAwait(false);
        return App.Typed<TResult>(result);
    }

    /// <summary>A typed signature with these partial arguments (Celery's <c>.s(...)</c>).</summary>
    /// <example><code>AsyncResult&lt;int&gt; r = await add.S(2).DelayAsync(3);</code></example>
    public new Signature<TResult> S(params object?[] args) => Signature(args);

    /// <summary>A typed immutable signature (Celery's <c>.si(...)</c>).</summary>
    public new Signature<TResult> Si(params object?[] args) => Signature(args, immutable: true);

    /// <summary>A typed signature with arguments, keyword arguments and options.</summary>
    public new Signature<TResult> Signature(IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null, TaskSendOptions? options = null, bool immutable = false)
    {
        var (a, k, o) = Parts(args, kwargs, options);
        return new Signature<TResult>(App, Name, a, k, o, immutable);
    }
}
