using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Canvas;
using Celeriac.Protocol.Results;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <summary>
/// Celery's <c>on_chord_part_return</c> for backends with a native join (docs/protocol.md §4.8): after a header
/// part's SUCCESS, FAILURE or REVOKED is stored, add the part; the add that completes the header
/// reads the parts in group-index order and sends the body with them, or fails the body with
/// <c>ChordError</c> when a part failed. Backends without <see cref="IChordJoin"/> do nothing here:
/// the producer sent <c>celery.chord_unlock</c> for them (docs/protocol.md §4.9).
/// </summary>
/// <remarks>
/// The completing add claims the body (<see cref="ChordClaim"/>, lease
/// <see cref="CeleriacOptions.ChordClaimLease"/>); the join is deleted after the body is sent, or
/// closed after it failed. A worker that dies in between leaves the claim: its part, redelivered
/// (acks late: the ack comes after this), takes the body over once the lease has passed. So the
/// body goes out exactly once, unless a worker dies between its claim and deleting the join —
/// then at least once (the re-send keeps the body's frozen task id). A redelivery that arrives
/// within the lease finds the claim held and sends nothing.
/// </remarks>
internal sealed class ChordPartReturn(CeleriacApp app, ILogger log)
{
    /// <summary>How long a header saved as a group (nested groups) is waited for, as <c>result_chord_join_timeout</c>.</summary>
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(3);

    /// <param name="part">The part's id, state and result (the stored meta, or one built when results are ignored).</param>
    /// <param name="groupId">The header's group id; without it there is nothing to join (Celery returns too).</param>
    /// <param name="groupIndex">The part's position; none sorts last.</param>
    /// <param name="body">The chord body signature from <c>embed.chord</c> or a chain step's <c>chord</c> option.</param>
    /// <param name="sendOptions">Options for the body's send: <c>parent_id</c>, <c>root_id</c> (the finishing task's), maybe <c>priority</c>.</param>
    /// <param name="cancellationToken">Stops the join's backend calls and the body's send.</param>
    public async Task ReturnAsync(ResultMeta part, string? groupId, int? groupIndex, JsonNode body, JsonObject sendOptions, CancellationToken cancellationToken)
    {
        if (app.Backend is not IChordJoin join || groupId is null) return;
        var claim = new ChordClaim(app.Options.TimeProvider.GetUtcNow(), app.Options.ChordClaimLease);
        var progress = await join.AddChordPartAsync(groupId, groupIndex, part, claim, cancellationToken).ConfigureAwait(false);
        if (!progress.ShouldSendBody) return;
        if (progress.TookOver)
            log.LogWarning("Chord {GroupId}: the worker that completed it did not send its body within {Lease}; sending it now (task {TaskId} redelivered)",
                groupId, app.Options.ChordClaimLease, part.TaskId);

        Signature callback;
        try
        {
            callback = Signature.FromJson(body);
        }
        catch (Protocol.Messages.InvalidMessageException ex)
        {
            log.LogError("Chord {GroupId} completed but its body is not a signature ({Reason}); nothing sent", groupId, ex.Message);
            await join.CloseChordAsync(groupId, cancellationToken).ConfigureAwait(false);
            return;
        }

        JsonArray results;
        string? failure;
        try
        {
            (results, failure) = await ReadPartsAsync(join, groupId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogError(ex, "Chord {GroupId}: reading the header results failed", groupId);
            await ChordCallback.FailAsync(app, callback, $"Join error: {ex.GetType().Name}({Protocol.Json.PythonRepr.FormatString(ex.Message)})", log, cancellationToken).ConfigureAwait(false);
            await join.CloseChordAsync(groupId, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (failure is not null)
        {
            // As Celery, the join's keys stay behind and expire (vector result_chord_body_chord_error).
            await ChordCallback.FailAsync(app, callback, failure, log, cancellationToken).ConfigureAwait(false);
            await join.CloseChordAsync(groupId, cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await ChordCallback.SendAsync(app, callback, results, sendOptions, log, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await join.DeleteChordAsync(groupId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The parts in group-index order; a header with nested groups was saved as a group result by
    /// the producer, and then that group is joined instead, so the nesting survives.
    /// </summary>
    private async Task<(JsonArray, string?)> ReadPartsAsync(IChordJoin join, string groupId, CancellationToken cancellationToken)
    {
        if (await app.Backend.RestoreGroupAsync(groupId, cancellationToken).ConfigureAwait(false) is { } saved)
        {
            var header = Protocol.Results.ResultTuple.FromJson(saved).Members ?? [];
            return await HeaderResults.CollectAsync(header, WaitAsync).ConfigureAwait(false);
        }
        var values = new JsonArray();
        foreach (var p in await join.GetChordPartsAsync(groupId, cancellationToken).ConfigureAwait(false))
        {
            if (p.State is TaskStates.Failure or TaskStates.Revoked) return (values, ChordCallback.DependencyFailed(p.TaskId, p.Result));
            values.Add(p.Result?.DeepClone());
        }
        return (values, null);

        async Task<ResultMeta> WaitAsync(string taskId)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(JoinTimeout);
            return await app.Backend.WaitForReadyAsync(taskId, timeout.Token).ConfigureAwait(false);
        }
    }
}
