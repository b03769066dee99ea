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
}
