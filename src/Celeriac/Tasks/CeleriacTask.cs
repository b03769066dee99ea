using Celeriac.Serialization;

namespace Celeriac.Tasks;

/// <summary>
/// A registered task you can send: <c>await add.DelayAsync(2, 2)</c>. Returned by
/// <see cref="CeleriacApp.Task(string, Delegate, Action{TaskOptions}?)"/>.
/// </summary>
public class CeleriacTask
{
    internal CeleriacTask(CeleriacApp app, TaskDefinition definition)
    {
        App = app;
        Definition = definition;
    }

    /// <summary>The app the task belongs to.</summary>
    public CeleriacApp App { get; }

    /// <summary>The registered definition.</summary>
    public TaskDefinition Definition { get; }

    /// <summary>The task's name on the wire.</summary>
    public string Name => Definition.Name;

    /// <summary>Sends the task with positional arguments (Celery's <c>delay</c>).</summary>
    public Task<AsyncResult> DelayAsync(params object?[] args) => ApplyAsync(args);

    /// <summary>Sends the task with arguments and options (Celery's <c>apply_async</c>); runs it in place when eager.</summary>
    public Task<AsyncResult> ApplyAsync(IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null,
        TaskSendOptions? options = null, CancellationToken cancellationToken = default) =>
        App.ApplyAsync(Definition, CeleriacJson.ToArgs(args, App.Options.Json), CeleriacJson.ToKwargs(kwargs, App.Options.Json), options, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => Name;
}
