using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Canvas;

/// <summary>
/// How a worker sends the signatures a finished task carries (callbacks, errbacks, the next chain
/// step, a chord body): each is cloned with the extra arguments and options Celery's worker passes
/// (docs/protocol.md §1.5 — args prepended unless immutable, <c>parent_id</c>, <c>root_id</c>, <c>priority</c>,
/// <c>chain</c>), then sent through <see cref="Signature.SendWorkflowAsync"/>, so it goes to its own
/// <c>queue</c> option or the normal route of its task.
/// </summary>
internal static class LinkedSends
{
    /// <summary>Sends one signature; returns its result tuple for the sender's <c>children</c>.</summary>
    public static async Task<ResultTuple> SendAsync(CeleriacApp app, Signature signature, JsonArray? args, JsonObject options, CancellationToken cancellationToken)
    {
        var prepared = signature.Clone(args, null, options);
        // A composite callback (a group, say) is a group result in the sender's children, as in Celery.
        var result = await prepared.SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
        return ResultTuple.FromJson(result.AsTuple());
    }

    /// <summary>
    /// Sends signatures as one group, as Celery's <c>group(sigs).apply_async(args, **options)</c>:
    /// a fresh group id in every member's <c>group_id</c> (a member keeps one it already has),
    /// no <c>group_index</c> (5.2). Returns the group's result tuple.
    /// </summary>
    public static Task<ResultTuple> SendGroupAsync(CeleriacApp app, IReadOnlyList<Signature> members, JsonArray? args, JsonObject options, CancellationToken cancellationToken) =>
        SendAsync(app, new Group(members), args, options, cancellationToken);

    /// <summary>
    /// Sends errbacks the old-style way (docs/protocol.md §1.6): all of them as one group with args
    /// <c>[failed_task_id]</c>, <c>parent_id</c> = the failed task, <c>root_id</c> = its root.
    /// A Celeriac worker cannot call a Python errback in-process, so a new-style errback
    /// <c>(request, exc, traceback)</c> is sent too and receives only the id.
    /// </summary>
    public static Task<ResultTuple> SendErrbacksAsync(CeleriacApp app, IReadOnlyList<Signature> errbacks, string failedTaskId, string rootId, CancellationToken cancellationToken) =>
        SendGroupAsync(app, errbacks, [failedTaskId], new JsonObject { ["parent_id"] = failedTaskId, ["root_id"] = rootId }, cancellationToken);

    /// <summary>The signatures of an embed list; an entry that is not a signature is reported, not sent.</summary>
    public static List<Signature> Read(JsonArray? list, Action<JsonNode?, Exception> bad)
    {
        var read = new List<Signature>(list?.Count ?? 0);
        foreach (var node in list ?? [])
        {
            try
            {
                read.Add(Signature.FromJson(node));
            }
            catch (Exception ex) when (ex is Protocol.Messages.InvalidMessageException or FormatException or InvalidOperationException)
            {
                bad(node, ex);
            }
        }
        return read;
    }
}
