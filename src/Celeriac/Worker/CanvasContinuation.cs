using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Exceptions;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <summary>
/// Carries a canvas on after a task whose message has an <c>embed</c> ran, in Celery's order
/// (docs/protocol.md §5.12, celery/app/trace.py and <c>mark_as_failure</c>):
/// <list type="bullet">
/// <item>Success: callbacks (one directly, several as one group), then the next chain step, are
/// sent before SUCCESS is stored, and <c>children</c> lists them; the chord part is added after.</item>
/// <item>Failure: FAILURE is stored first; then the chord part, the same FAILURE under every
/// remaining chain step's id (and their chord parts), then the errbacks.</item>
/// <item>Revoked (expired): REVOKED is stored, then the chord part.</item>
/// </list>
/// Stores go through the worker's completer and are awaited (flushed) before anything that reads
/// them, so a join never misses its own part. Tasks without an embed never come here. A bad
/// signature or a failed send is logged with the reason; the task's own result is still stored.
/// </summary>
internal sealed class CanvasContinuation
{
    private readonly CeleriacApp _app;
    private readonly ILogger _log;
    private readonly ChordPartReturn _chords;

    public CanvasContinuation(CeleriacApp app)
    {
        _app = app;
        _log = app.Options.LoggerFactory.CreateLogger("Celeriac.Canvas");
        _chords = new ChordPartReturn(app, _log);
    }

    /// <summary>
    /// Does what the outcome calls for and returns the meta still to be stored by the caller (with
    /// its <c>children</c>), or null when it was stored here already.
    /// </summary>
    public async ValueTask<ResultMeta?> CarryOnAsync(TaskMessage message, TaskOutcome outcome, ResultMeta? meta, ExecutionScope scope)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Succeeded:
                foreach (var child in await SendSuccessorsAsync(message, outcome.Value).ConfigureAwait(false))
                    meta?.Children?.Add(child.ToJson());
                if (message.Embed.Chord is not { } body) return meta;
                await StoreAsync(meta, scope).ConfigureAwait(false);
                await JoinAsync(message, message.Id, TaskStates.Success, outcome.Value, message.Group, message.GroupIndex, body).ConfigureAwait(false);
                return null;
            case OutcomeKind.Failed:
                await StoreAsync(meta, scope).ConfigureAwait(false);
                await PropagateFailureAsync(message, outcome.Error!, outcome.Traceback, storeErrors: meta is not null, scope).ConfigureAwait(false);
                return null;
            default:
                return meta;
        }
    }

    /// <summary>An expired (revoked) chord part still counts: REVOKED stored, then the part added.</summary>
    public async Task RevokedAsync(TaskMessage message, ResultMeta? meta, string reason, ExecutionScope scope)
    {
        await StoreAsync(meta, scope).ConfigureAwait(false);
        if (message.Embed.Chord is { } body)
        {
            var error = CeleryExceptions.TaskRevoked(reason).ToExceptionInfo().ToJson();
            await JoinAsync(message, message.Id, TaskStates.Revoked, error, message.Group, message.GroupIndex, body).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a task's replacement (<see cref="TaskContext.Replace"/>); the run then ends like
    /// <c>Ignore</c>. Eagerly the replacement runs in place and its outcome is this run's, as
    /// Celery's eager <c>replace</c> returns <c>sig.apply().get()</c>.
    /// </summary>
    public async Task<TaskOutcome> ReplaceAsync(TaskMessage message, Signature replacement, ExecutionScope scope, TimeSpan runtime)
    {
        ITaskResult sent;
        // Sent as from inside the task (Celery's sig.delay() in the task): whatever the replacement
        // sends — a chain's first step, a chord's header — names the task as parent and its root.
        var previous = TaskContext.Current;
        TaskContext.SetCurrent(new TaskContext(_app, message, scope.Hostname, scope.Queue, scope.IsEager, CancellationToken.None));
        try
        {
            sent = await replacement.SendWorkflowAsync(_app, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var error = new InvalidOperationException($"Replacement {replacement} of task {message.Id} could not be sent: {ex.Message}", ex);
            return TaskOutcome.Failure(ExceptionInfoFactory.From(error), ExceptionInfoFactory.Traceback(error), error, runtime);
        }
        finally
        {
            TaskContext.SetCurrent(previous);
        }
        _log.LogInformation("Task {Task}[{TaskId}] replaced by {Replacement}", message.Task, message.Id, replacement);
        // A replacement always ends in one task (a group is uplifted to a chord), so eagerly its
        // result is a single one.
        if (!scope.IsEager || sent is not AsyncResult { IsReady: true, Meta: var meta }) return TaskOutcome.Ignore(runtime);
        return meta.Status == TaskStates.Success
            ? TaskOutcome.Success(meta.Result?.DeepClone(), runtime)
            : TaskOutcome.Failure(meta.Exception ?? ExceptionInfo.Of("Exception", "builtins", meta.Status), meta.Traceback, null, runtime);
    }

    private async Task<List<ResultTuple>> SendSuccessorsAsync(TaskMessage message, JsonNode? value)
    {
        var children = new List<ResultTuple>();
        var options = SuccessorOptions(message);
        var callbacks = LinkedSends.Read(message.Embed.Callbacks, (node, ex) => Bad(message, "callback", node, ex));
        if (callbacks.Count == 1)
        {
            await TrySendAsync(message, "callback", children, () => LinkedSends.SendAsync(_app, callbacks[0], Result(value), options, CancellationToken.None)).ConfigureAwait(false);
        }
        else if (callbacks.Count > 1)
        {
            // Celery applies group callbacks one by one and the rest together as one group.
            foreach (var group in callbacks.Where(c => c.SubtaskType == "group"))
                await TrySendAsync(message, "callback", children, () => LinkedSends.SendAsync(_app, group, Result(value), options, CancellationToken.None)).ConfigureAwait(false);
            var plain = callbacks.Where(c => c.SubtaskType != "group").ToList();
            if (plain.Count > 0)
                await TrySendAsync(message, "callbacks", children, () => LinkedSends.SendGroupAsync(_app, plain, Result(value), options, CancellationToken.None)).ConfigureAwait(false);
        }

        if (message.Embed.Chain is { Count: > 0 } chain)
        {
            // The next step is the last element; the rest travels on as its chain (docs/protocol.md §1.7).
            var rest = (JsonArray)chain.DeepClone();
            var next = rest[^1];
            rest.RemoveAt(rest.Count - 1);
            var step = LinkedSends.Read([next?.DeepClone()], (node, ex) => Bad(message, "chain step", node, ex));
            if (step.Count == 1)
            {
                var stepOptions = (JsonObject)options.DeepClone();
                stepOptions["chain"] = rest;
                await TrySendAsync(message, "next chain step", children, () => LinkedSends.SendAsync(_app, step[0], Result(value), stepOptions, CancellationToken.None)).ConfigureAwait(false);
            }
        }
        return children;
    }

    /// <summary>Celery 5.2's <c>mark_as_failure</c> after the task's own FAILURE is stored.</summary>
    private async Task PropagateFailureAsync(TaskMessage message, ExceptionInfo error, string? traceback, bool storeErrors, ExecutionScope scope)
    {
        var exc = error.ToJson();
        if (message.Embed.Chord is { } body)
            await JoinAsync(message, message.Id, TaskStates.Failure, exc, message.Group, message.GroupIndex, body).ConfigureAwait(false);

        // So a client waiting on the chain's last result does not hang (docs/protocol.md §1.7).
        foreach (var node in message.Embed.Chain ?? [])
        {
            if (node is not JsonObject { } step || step["options"] is not JsonObject options) continue;
            var stepId = Text(options, "task_id");
            if (storeErrors && stepId is not null)
            {
                await StoreDirectAsync(scope, new ResultMeta
                {
                    TaskId = stepId,
                    Status = TaskStates.Failure,
                    Result = exc.DeepClone(),
                    Traceback = traceback,
                    Children = [],
                    DateDone = _app.Options.TimeProvider.GetUtcNow().UtcDateTime,
                    GroupId = Text(options, "group_id"),
                    ParentId = Text(options, "parent_id"),
                    // Celery stores it with Context(step): an rpc:// backend sends it to the step's reply_to.
                    ReplyTo = Text(options, "reply_to"),
                }).ConfigureAwait(false);
            }
            if (stepId is not null && options["chord"] is { } stepChord)
            {
                var index = options["group_index"] is JsonValue v && v.TryGetValue<int>(out var i) ? i : (int?)null;
                await JoinAsync(message, stepId, TaskStates.Failure, exc, Text(options, "group_id"), index, stepChord).ConfigureAwait(false);
            }
        }

        var errbacks = LinkedSends.Read(message.Embed.Errbacks, (node, ex) => Bad(message, "errback", node, ex));
        if (errbacks.Count > 0)
            await TrySendAsync(message, "errbacks", null, () => LinkedSends.SendErrbacksAsync(_app, errbacks, message.Id, message.RootId ?? message.Id, CancellationToken.None)).ConfigureAwait(false);
    }

    private async Task JoinAsync(TaskMessage message, string partId, string state, JsonNode? result, string? groupId, int? groupIndex, JsonNode body)
    {
        try
        {
            var part = new ResultMeta { TaskId = partId, Status = state, Result = result?.DeepClone() };
            await _chords.ReturnAsync(part, groupId, groupIndex, body, SuccessorOptions(message), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Chord part {TaskId} of group {GroupId} could not be joined", partId, groupId);
        }
    }

    /// <summary>
    /// What the worker passes to everything it sends for a task (trace.py): <c>parent_id</c> the
    /// task, <c>root_id</c> its root, and its priority when <c>task_inherit_parent_priority</c>.
    /// </summary>
    private JsonObject SuccessorOptions(TaskMessage message)
    {
        var options = new JsonObject { ["parent_id"] = message.Id, ["root_id"] = message.RootId ?? message.Id };
        if (_app.Options.InheritParentPriority && message.Properties.Priority is { } priority) options["priority"] = priority;
        return options;
    }

    private async Task TrySendAsync(TaskMessage message, string what, List<ResultTuple>? children, Func<Task<ResultTuple>> send)
    {
        try
        {
            var sent = await send().ConfigureAwait(false);
            children?.Add(sent);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Task {Task}[{TaskId}]: {What} could not be sent: {Reason}", message.Task, message.Id, what, ex.Message);
        }
    }

    private void Bad(TaskMessage message, string what, JsonNode? node, Exception ex) =>
        _log.LogError("Task {Task}[{TaskId}] carries a {What} that is not a signature ({Reason}); skipped: {Signature}",
            message.Task, message.Id, what, ex.Message, Celeriac.Protocol.Json.CeleryJson.ToJsonString(node));

    /// <summary>Stores and waits until the meta is visible, so what runs next can read it.</summary>
    private async Task StoreAsync(ResultMeta? meta, ExecutionScope scope)
    {
        if (meta is null) return;
        try
        {
            if (scope.StatePort is { } port) await port.StoreStateAsync(meta, CancellationToken.None).ConfigureAwait(false);
            else await _app.Backend.StoreAsync([meta]).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "{State} of task {TaskId} could not be stored", meta.Status, meta.TaskId);
        }
    }

    /// <summary>Another task's result: straight to the backend (eagerly, to the eager store).</summary>
    private async Task StoreDirectAsync(ExecutionScope scope, ResultMeta meta)
    {
        try
        {
            if (scope is { IsEager: true, StatePort: { } eager }) await eager.StoreStateAsync(meta, CancellationToken.None).ConfigureAwait(false);
            else await _app.Backend.StoreAsync([meta]).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "FAILURE of chain step {TaskId} could not be stored", meta.TaskId);
        }
    }

    private static JsonArray Result(JsonNode? value) => [value?.DeepClone()];

    private static string? Text(JsonObject options, string key) =>
        options[key] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
}
