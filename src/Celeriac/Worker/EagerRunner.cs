using System.Runtime.ExceptionServices;
using Celeriac.Backends;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Tasks;

namespace Celeriac.Worker;

/// <summary>
/// Eager mode (<c>task_always_eager</c>): runs the task in the caller through the worker's own
/// executor and recorder. The message goes through the wire codec first, so the task sees its
/// arguments exactly as a worker would (an int stays an int, a record arrives as JSON). A message
/// with an <c>embed</c> is carried on through <see cref="CanvasContinuation"/>, whose sends run
/// eagerly in turn.
/// </summary>
internal sealed class EagerRunner(CeleriacApp app, IResultBackend eagerBackend) : IResultStorePort
{
    public async Task<AsyncResult> RunAsync(TaskDefinition task, TaskMessage message, CancellationToken cancellationToken)
    {
        var accept = new HashSet<string>(app.Options.AcceptedContentTypes, StringComparer.OrdinalIgnoreCase) { ContentTypes.Json };
        var decoded = TaskMessageCodec.Decode(TaskMessageCodec.Encode(message), accept);
        var scope = new ExecutionScope(WorkerOptions.DefaultHostname(app.Options), null, true, cancellationToken, CancellationToken.None, this);
        using var span = Diagnostics.RunTracing.StartEager(app, decoded, scope.Hostname);

        if (app.Recorder.Started(task, decoded, scope) is { } started) await StoreAsync(started, cancellationToken).ConfigureAwait(false);
        var outcome = await app.Executor.ExecuteAsync(task, decoded, scope).ConfigureAwait(false);
        // Eager retries run again at once, as Celery's eager retry does (no countdown, no broker).
        while (outcome is { Kind: OutcomeKind.Retried, Retry: { } retry })
        {
            decoded = retry;
            outcome = await app.Executor.ExecuteAsync(task, decoded, scope).ConfigureAwait(false);
        }

        var held = app.Recorder.Finished(task, decoded, outcome, scope, honourIgnore: false);
        // Celery's eager apply traces the task with its callbacks and errbacks: callbacks are applied
        // (eagerly) with the result before it is stored, errbacks after a failure is. A chain option
        // is carried on the same way (Celery 5.2.6's apply drops it).
        var toStore = decoded.Embed.IsEmpty ? held : await app.Continuation.CarryOnAsync(decoded, outcome, held, scope).ConfigureAwait(false);
        Diagnostics.RunTracing.Finished(span, outcome);
        if (toStore is not null) await eagerBackend.StoreAsync([toStore], cancellationToken).ConfigureAwait(false);
        if (app.Options.StoreEagerResult && app.Recorder.Finished(task, decoded, outcome, scope) is { } stored && !ReferenceEquals(eagerBackend, app.Backend))
        {
            if (stored.Children is { Count: 0 } children)
                foreach (var child in held?.Children ?? []) children.Add(child?.DeepClone());
            await app.Backend.StoreAsync([stored], cancellationToken).ConfigureAwait(false);
        }

        if (outcome.Kind == OutcomeKind.Failed && app.Options.EagerPropagates && outcome.Exception is { } ex)
            ExceptionDispatchInfo.Capture(ex).Throw();
        // The run is over: the handle knows its state at once, as Celery's EagerResult does.
        // Reject and Ignore store nothing; the handle still says how the run ended (Celery's EagerResult
        // reports REJECTED / IGNORED and get() returns None).
        var final = held ?? new ResultMeta
        {
            TaskId = decoded.Id,
            Status = outcome.Kind switch { OutcomeKind.Rejected => TaskStates.Rejected, OutcomeKind.Ignored => TaskStates.Ignored, _ => TaskStates.Pending },
        };
        return new AsyncResult(app, decoded.Id, eagerBackend) { Meta = final, IsFinal = true };
    }

    public ValueTask StoreStateAsync(ResultMeta meta, CancellationToken cancellationToken) => StoreAsync(meta, cancellationToken);

    private async ValueTask StoreAsync(ResultMeta meta, CancellationToken cancellationToken)
    {
        await eagerBackend.StoreAsync([meta], cancellationToken).ConfigureAwait(false);
        if (app.Options.StoreEagerResult && !ReferenceEquals(eagerBackend, app.Backend))
            await app.Backend.StoreAsync([meta], cancellationToken).ConfigureAwait(false);
    }
}
