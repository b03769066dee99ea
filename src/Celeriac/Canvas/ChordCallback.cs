using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Microsoft.Extensions.Logging;

namespace Celeriac.Canvas;

/// <summary>
/// The end of a chord, shared by the native join (docs/protocol.md §4.8) and <c>celery.chord_unlock</c>
/// (docs/protocol.md §4.9): send the body with the header's results, or — when a part failed, or the join
/// or the send did — send the body's errbacks and store FAILURE <c>ChordError</c> under the
/// body's task id (Celery's <c>chord_error_from_stack</c>).
/// </summary>
internal static class ChordCallback
{
    /// <summary>Celery's reason for a failed part: <c>Dependency &lt;id&gt; raised ValueError('…')</c>.</summary>
    public static string DependencyFailed(string taskId, JsonNode? storedException) =>
        $"Dependency {taskId} raised {(ExceptionInfo.FromJson(storedException)?.Repr ?? "Exception()")}";

    /// <summary>
    /// Sends <paramref name="body"/> with <c>[results]</c> prepended (unless immutable). Celery sends it
    /// with <c>delay</c> from the task that finished the chord, so <paramref name="sender"/>'s options
    /// (its <c>parent_id</c>, <c>root_id</c>, inherited priority) only fill what the body has not
    /// frozen itself. A send that fails becomes <c>ChordError("Callback error: …")</c>.
    /// </summary>
    public static async Task SendAsync(CeleriacApp app, Signature body, JsonArray results, JsonObject sender, ILogger log, CancellationToken cancellationToken)
    {
        var options = new JsonObject();
        foreach (var (key, value) in sender)
            if (body.Options[key] is null) options[key] = value?.DeepClone();
        try
        {
            await LinkedSends.SendAsync(app, body, [results], options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogError(ex, "Chord body {Task}[{TaskId}] could not be sent", body.Task, body.Id);
            await FailAsync(app, body, $"Callback error: {ex.GetType().Name}({Protocol.Json.PythonRepr.FormatString(ex.Message)})", log, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the body's errbacks with <c>[body_id]</c> (parent and root the body too, as Celery's
    /// fake request has them), then stores FAILURE <c>ChordError(reason)</c> under the body's id.
    /// </summary>
    public static async Task FailAsync(CeleriacApp app, Signature body, string reason, ILogger log, CancellationToken cancellationToken)
    {
        log.LogWarning("Chord body {Task}[{TaskId}] fails: ChordError: {Reason}", body.Task, body.Id, reason);
        if (body.Id is not { } bodyId)
        {
            log.LogError("Chord body {Task} has no frozen task id; its ChordError cannot be stored", body.Task);
            return;
        }
        var errbacks = LinkedSends.Read(body.Options["link_error"] switch
        {
            JsonArray list => list,
            JsonObject one => [one.DeepClone()],
            _ => null,
        }, (node, ex) => log.LogError("Chord body {TaskId} has an errback that is not a signature ({Reason}): {Errback}", bodyId, ex.Message, Celeriac.Protocol.Json.CeleryJson.ToJsonString(node)));
        if (errbacks.Count > 0)
        {
            try
            {
                await LinkedSends.SendErrbacksAsync(app, errbacks, bodyId, bodyId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Errbacks of chord body {TaskId} could not be sent", bodyId);
            }
        }
        var error = CeleryExceptions.ChordError(reason).ToExceptionInfo();
        await app.Backend.StoreAsync([new ResultMeta
        {
            TaskId = bodyId,
            Status = TaskStates.Failure,
            Result = error.ToJson(),
            Traceback = $"celery.exceptions.ChordError: {reason}\n",
            Children = [],
            DateDone = app.Options.TimeProvider.GetUtcNow().UtcDateTime,
        }], cancellationToken).ConfigureAwait(false);
    }
}
