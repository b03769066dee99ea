using System.Text.Json.Nodes;
using Celeriac.Canvas;
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
    internal TaskDefinition Definition { get; }

    /// <summary>The task's name on the wire.</summary>
    public string Name => Definition.Name;

    /// <summary>Sends the task with positional arguments (Celery's <c>delay</c>).</summary>
    public Task<AsyncResult> DelayAsync(params object?[] args) => ApplyAsync(args);

    /// <summary>Sends the task with arguments and options (Celery's <c>apply_async</c>); runs it in place when eager.</summary>
    public Task<AsyncResult> ApplyAsync(IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null,
        TaskSendOptions? options = null, CancellationToken cancellationToken = default) =>
        App.ApplyAsync(Definition, CeleriacJson.ToArgs(args, App.Options.Json), CeleriacJson.ToKwargs(kwargs, App.Options.Json), options, cancellationToken);

    /// <summary>A signature with these partial arguments (Celery's <c>.s(...)</c>); a parent's result is prepended when it runs as a callback or chain step.</summary>
    /// <example><code>var flow = add.S(2, 2) | mul.S(4);</code></example>
    public Signature S(params object?[] args) => Signature(args);

    /// <summary>An immutable signature (Celery's <c>.si(...)</c>): a parent's result is not passed to it.</summary>
    public Signature Si(params object?[] args) => Signature(args, immutable: true);

    /// <summary>A signature with arguments, keyword arguments and options (Celery's <c>.signature(args, kwargs, **options)</c>).</summary>
    public Signature Signature(IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null, TaskSendOptions? options = null, bool immutable = false)
    {
        var (a, k, o) = Parts(args, kwargs, options);
        return new Signature(Name, a, k, o, immutable) { App = App };
    }

    /// <summary>One message calling this task for every item (Celery's <c>task.map(it)</c>).</summary>
    public Map Map(IEnumerable<object?> items) => new(S(), CeleriacJson.ToArgs(items, App.Options.Json));

    /// <summary>One message calling this task for every argument list (Celery's <c>task.starmap(it)</c>).</summary>
    public Starmap Starmap(IEnumerable<IEnumerable<object?>> items) => new(S(), ArgLists(items));

    /// <summary>Argument lists split into chunks of <paramref name="n"/>, each chunk a starmap, run as a group (Celery's <c>task.chunks(it, n)</c>).</summary>
    public Chunks Chunks(IEnumerable<IEnumerable<object?>> items, int n) => new(S(), ArgLists(items), n);

    private protected (JsonArray Args, JsonObject Kwargs, JsonObject Options) Parts(IEnumerable<object?>? args, IReadOnlyDictionary<string, object?>? kwargs, TaskSendOptions? options) =>
        (CeleriacJson.ToArgs(args, App.Options.Json), CeleriacJson.ToKwargs(kwargs, App.Options.Json),
         options is null ? [] : Canvas.SignatureOptions.FromSendOptions(options));

    private JsonArray ArgLists(IEnumerable<IEnumerable<object?>> items) =>
        new((items ?? throw new ArgumentNullException(nameof(items))).Select(i => (JsonNode?)CeleriacJson.ToArgs(i, App.Options.Json)).ToArray());

    /// <inheritdoc />
    public override string ToString() => Name;
}
