using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Serialization;

namespace Celeriac;

/// <summary>
/// A handle on a task's result, by id (Celery's <c>AsyncResult</c>). <see cref="RefreshAsync"/>
/// reads the current state; <see cref="GetAsync(TimeSpan?, CancellationToken)"/> waits for the
/// result and throws <see cref="TaskFailedException"/> when the task failed.
/// </summary>
/// <example>
/// <code>
/// var r = await app.SendTaskAsync("tasks.add", [2, 2]);
/// var sum = await r.GetAsync&lt;int&gt;(TimeSpan.FromSeconds(10));
/// </code>
/// </example>
public class AsyncResult : ITaskResult
{
    private readonly CeleriacApp _app;
    private readonly IResultBackend _backend;

    internal AsyncResult(CeleriacApp app, string id, IResultBackend backend)
    {
        _app = app;
        _backend = backend;
        Id = id;
        Meta = ResultMeta.Pending(id);
    }

    internal IResultBackend ResultBackend => _backend;

    /// <summary>The task id.</summary>
    public string Id { get; }

    /// <summary>
    /// The result of the step before this one in a chain (a <see cref="GroupResult"/> when that
    /// step was a group or chord header), set when the chain was applied; null otherwise.
    /// </summary>
    public ITaskResult? Parent { get; internal set; }

    /// <summary>
    /// Results of the tasks this one sent (callbacks, chain steps, groups; docs/protocol.md §4.6), from the
    /// meta last read: call <see cref="RefreshAsync"/> or wait first.
    /// </summary>
    public IReadOnlyList<ITaskResult> Children =>
        Meta.Children is { } children ? children.Select(c => TaskResults.From(_app, _backend, ResultTuple.FromJson(c))).ToList() : [];

    /// <summary>The meta last read (PENDING until something was read).</summary>
    public ResultMeta Meta { get; internal set; }

    /// <summary>Set for eager results: the run is over and <see cref="Meta"/> is all there will be.</summary>
    internal bool IsFinal { get; init; }

    /// <summary>State last read: PENDING, STARTED, PROGRESS, RETRY, SUCCESS, FAILURE, REVOKED, …</summary>
    public string State => Meta.Status;

    /// <summary>True once the task succeeded, failed or was revoked.</summary>
    public bool IsReady => Meta.IsReady;

    /// <summary>True when the task succeeded.</summary>
    public bool IsSuccessful => Meta.Status == TaskStates.Success;

    /// <summary>True when the task failed (FAILURE; see <see cref="State"/> for REVOKED).</summary>
    public bool IsFailed => Meta.Status == TaskStates.Failure;

    /// <summary>The failure's exception type, module and message, or null.</summary>
    public ExceptionInfo? Failure => Meta.Exception;

    /// <summary>The traceback stored with a failure, or null.</summary>
    public string? Traceback => Meta.Traceback;

    /// <summary>The raw stored result: the value, the exception object, or state meta such as progress.</summary>
    public JsonNode? Info => Meta.Result;

    /// <summary>Reads the current state from the backend.</summary>
    public async Task<AsyncResult> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var started = Diagnostics.CeleriacMetrics.Start(_app.Metrics.BackendDuration);
        Meta = await _backend.GetAsync(Id, cancellationToken).ConfigureAwait(false);
        _app.Metrics.BackendCall("get", started);
        return this;
    }

    /// <summary>
    /// Waits until the task is ready, without throwing for failures. Throws <see cref="TimeoutException"/>
    /// when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<ResultMeta> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        // An eager run that ended without a ready state (Reject, Ignore) is over all the same.
        if (IsFinal) return Meta;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t) cts.CancelAfter(t);
        try
        {
            Meta = await _backend.WaitForReadyAsync(Id, cts.Token).ConfigureAwait(false);
            return Meta;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Task {Id} was not ready within {timeout}.");
        }
    }

    /// <summary>Waits for the result as JSON; throws <see cref="TaskFailedException"/> when the task failed or was revoked.</summary>
    public async Task<JsonNode?> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var meta = await WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (TaskStates.Propagates(meta.Status)) throw new TaskFailedException(meta);
        return meta.Result?.DeepClone();
    }

    /// <summary>Waits for the result as <typeparamref name="T"/>; throws <see cref="TaskFailedException"/> when the task failed.</summary>
    public async Task<T> GetAsync<T>(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var node = await GetAsync(timeout, cancellationToken).ConfigureAwait(false);
        return (T)CeleriacJson.FromNode(node, typeof(T), _app.Options.Json)!;
    }

    /// <summary>Reads the current state; true once the task succeeded, failed or was revoked.</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        if (!IsFinal) await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return IsReady;
    }

    /// <summary>Celery's <c>as_tuple()</c>: <c>[[id, parent tuple or null], null]</c> (docs/protocol.md §4.6).</summary>
    public JsonArray AsTuple() => new(new JsonArray(Id, Parent?.AsTuple()), null);

    /// <summary>Deletes the stored result.</summary>
    public ValueTask ForgetAsync(CancellationToken cancellationToken = default) => _backend.ForgetAsync(Id, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"<AsyncResult: {Id}>";
}
