using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Tasks;

namespace Celeriac.Worker;

/// <summary>
/// Decides which metas to store for a run, with Celery's asymmetric <c>ignore_result</c> rules
/// (docs/protocol.md §4.2): the header suppresses SUCCESS only; the task setting suppresses STARTED and
/// SUCCESS, and failures too unless errors are stored even if ignored.
/// </summary>
internal sealed class ResultRecorder(CeleriacOptions options)
{
    public ResultMeta? Started(TaskDefinition? task, TaskMessage message, ExecutionScope scope)
    {
        if (!(task?.Options.TrackStarted ?? options.TrackStarted) || IgnoredByTask(task)) return null;
        var meta = new JsonObject { ["pid"] = Environment.ProcessId, ["hostname"] = scope.Hostname };
        return Build(message, TaskStates.Started, meta, null, null, scope);
    }

    // honourIgnore is false for eager runs: the caller holds the result whatever the settings say.
    public ResultMeta? Finished(TaskDefinition? task, TaskMessage message, TaskOutcome outcome, ExecutionScope scope, bool honourIgnore = true) => outcome.Kind switch
    {
        OutcomeKind.Succeeded when honourIgnore && (message.IgnoreResult || IgnoredByTask(task)) => null,
        OutcomeKind.Failed when !honourIgnore => Build(message, TaskStates.Failure, outcome.Error!.ToJson(), outcome.Traceback, Now, scope),
        OutcomeKind.Succeeded => Build(message, TaskStates.Success, outcome.Value, null, Now, scope),
        OutcomeKind.Failed => Failure(task, message, outcome.Error!, outcome.Traceback, scope),
        _ => null,
    };

    public ResultMeta? Failure(TaskDefinition? task, TaskMessage message, ExceptionInfo error, string? traceback, ExecutionScope scope) =>
        StoresErrors(task) ? Build(message, TaskStates.Failure, error.ToJson(), traceback, Now, scope) : null;

    /// <summary>
    /// RETRY, stored after the retry message went out (docs/protocol.md §4.5): the exception passed to retry (or
    /// null), the Retry traceback, the retried task itself as a child, no <c>date_done</c>.
    /// </summary>
    public ResultMeta? Retry(TaskDefinition? task, TaskMessage message, TaskOutcome outcome, ExecutionScope scope)
    {
        if (!StoresErrors(task)) return null;
        var meta = Build(message, TaskStates.Retry, outcome.Error?.ToJson(), outcome.Traceback, null, scope);
        return new ResultMeta
        {
            TaskId = meta.TaskId, Status = meta.Status, Result = meta.Result, Traceback = meta.Traceback, DateDone = null,
            GroupId = meta.GroupId, ParentId = meta.ParentId, Extended = meta.Extended,
            Children = [ResultTuple(message.Id)],
            ReplyTo = meta.ReplyTo, CorrelationId = meta.CorrelationId,
        };
    }

    /// <summary>REVOKED with <c>TaskRevokedError(reason)</c> (<c>expired</c>, <c>revoked</c>, <c>terminated</c>), when errors are stored.</summary>
    public ResultMeta? Revoked(TaskDefinition? task, TaskMessage message, string reason, ExecutionScope scope) =>
        StoresErrors(task)
            ? Build(message, TaskStates.Revoked, Exceptions.CeleryExceptions.TaskRevoked(reason).ToExceptionInfo().ToJson(), null, Now, scope)
            : null;

    private bool StoresErrors(TaskDefinition? task) =>
        !IgnoredByTask(task) || (task?.Options.StoreErrorsEvenIfIgnored ?? options.StoreErrorsEvenIfIgnored);

    private static JsonArray ResultTuple(string taskId) => new(new JsonArray(taskId, null), null);

    private DateTime Now => options.TimeProvider.GetUtcNow().UtcDateTime;

    private bool IgnoredByTask(TaskDefinition? task) => task?.Options.IgnoreResult ?? options.IgnoreResult;

    private ResultMeta Build(TaskMessage message, string status, JsonNode? result, string? traceback, DateTime? done, ExecutionScope scope) => new()
    {
        TaskId = message.Id,
        Status = status,
        Result = result,
        Traceback = traceback,
        Children = [],
        DateDone = done,
        GroupId = message.Group,
        ParentId = message.ParentId,
        Extended = options.ResultExtended
            ? new ExtendedResultFields(message.Task, message.Args, message.Kwargs, scope.Hostname, message.Retries, scope.Queue)
            : null,
        // Where an rpc:// backend sends it; other backends ignore both (docs/protocol.md §3.5).
        ReplyTo = message.Properties.ReplyTo,
        CorrelationId = message.Properties.CorrelationId,
    };
}
