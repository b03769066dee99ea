using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Tasks;

namespace Celeriac.Worker;

/// <summary>
/// Decides which metas to store for a run, with Celery's asymmetric <c>ignore_result</c> rules
/// (SPEC §4.2): the header suppresses SUCCESS only; the task setting suppresses STARTED and
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

    public ResultMeta? Failure(TaskDefinition? task, TaskMessage message, ExceptionInfo error, string? traceback, ExecutionScope scope)
    {
        if (IgnoredByTask(task) && !(task?.Options.StoreErrorsEvenIfIgnored ?? options.StoreErrorsEvenIfIgnored)) return null;
        return Build(message, TaskStates.Failure, error.ToJson(), traceback, Now, scope);
    }

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
    };
}
