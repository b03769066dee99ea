using System.Text.Json.Nodes;
using Celeriac.Serialization;

namespace Celeriac.Canvas;

/// <content>Sending a signature from client code, its options, and composing with <c>|</c>.</content>
public partial class Signature
{
    /// <summary>
    /// Sends the signature (Celery's <c>apply_async</c>): <paramref name="args"/> are prepended to
    /// its own and <paramref name="kwargs"/> merged (unless immutable), <paramref name="options"/>
    /// override its options. Returns an <see cref="AsyncResult"/>, or a <see cref="GroupResult"/>
    /// for a group. Throws <see cref="InvalidOperationException"/> when the signature was not
    /// created through an app (see <see cref="Bind"/>).
    /// </summary>
    public Task<ITaskResult> ApplyAsync(IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null,
        TaskSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = RequireApp();
        var applied = Clone(CeleriacJson.ToArgs(args, app.Options.Json), CeleriacJson.ToKwargs(kwargs, app.Options.Json),
            options is null ? null : SignatureOptions.FromSendOptions(options));
        return applied.SendWorkflowAsync(app, cancellationToken);
    }

    /// <summary>Sends the signature with these positional arguments prepended (Celery's <c>delay</c>).</summary>
    public Task<ITaskResult> DelayAsync(params object?[] args) => ApplyAsync(args);

    /// <summary>
    /// Sends the signature and returns its result typed as <typeparamref name="TResult"/> (what the
    /// task, or a chain's last step, returns). Throws <see cref="InvalidOperationException"/> for a
    /// signature whose result is a group.
    /// </summary>
    public async Task<AsyncResult<TResult>> ApplyAsync<TResult>(IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null,
        TaskSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await ApplyAsync(args, kwargs, options, cancellationToken).ConfigureAwait(false);
        return result is AsyncResult single
            ? RequireApp().Typed<TResult>(single)
            : throw new InvalidOperationException($"{this} produces a group result; use ApplyAsync() and read the GroupResult.");
    }

    /// <summary>
    /// Sets execution options under Celery's keys (Celery's <c>set</c>): <c>queue</c>,
    /// <c>countdown</c> (seconds), <c>eta</c> (ISO text as kombu 5.2 writes it), <c>expires</c>,
    /// <c>priority</c>, <c>time_limit</c>, … Only the options given are written. Returns this signature.
    /// </summary>
    /// <example><code>add.S(2, 2).Set(new TaskSendOptions { Countdown = TimeSpan.FromSeconds(10), Queue = "math" })</code></example>
    public Signature Set(TaskSendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (key, value) in SignatureOptions.FromSendOptions(options)) Options[key] = value?.DeepClone();
        return this;
    }

    /// <summary>Binds the signature to <paramref name="app"/> (e.g. one read with <see cref="FromJson"/>) so <see cref="ApplyAsync"/> can send it. Returns this signature.</summary>
    public Signature Bind(CeleriacApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        App = app;
        return this;
    }

    /// <summary>
    /// Composes as Celery's <c>|</c> does: task | task → chain; chain | task appends (a chain
    /// ending in a group becomes a chain ending in a chord with that body; one ending in a chord
    /// gets the task chained onto the chord's body); chain | chain flattens; group | task → chord;
    /// chord | task chains the task onto the chord's body.
    /// </summary>
    public static Signature operator |(Signature left, Signature right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var composed = left.Pipe(right);
        composed.App ??= left.BoundApp ?? right.BoundApp;
        return composed;
    }

    /// <summary>This signature followed by <paramref name="next"/>; composites override it with their own rule.</summary>
    private protected virtual Signature Pipe(Signature next) => next switch
    {
        Chain chain => new Chain([this, .. chain.UnchainTasks()]),
        Group group => new Chain(this, Group.MaybeUnroll(group)),
        _ => new Chain(this, next),
    };

    private CeleriacApp RequireApp() => BoundApp ?? throw new InvalidOperationException(
        $"{this} is not bound to an app: create it through a task (task.S(...)) or app.Signature(...), or call Bind(app) first.");
}
