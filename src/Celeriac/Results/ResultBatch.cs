using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac;

/// <summary>
/// Reads and waits for many task results at once, for <see cref="GroupResult"/>: one
/// <see cref="IResultBackend.GetManyAsync"/> per backend instead of a round trip per member, and
/// the waits for members not ready yet started together (a backend that pushes, as Redis, then
/// subscribes them in bulk) instead of one after another.
/// </summary>
internal static class ResultBatch
{
    /// <summary>The task results under <paramref name="results"/> in member order, the members of nested groups in their place.</summary>
    public static List<AsyncResult> Leaves(IEnumerable<ITaskResult> results)
    {
        var leaves = new List<AsyncResult>();
        Add(results, leaves);
        return leaves;

        static void Add(IEnumerable<ITaskResult> results, List<AsyncResult> leaves)
        {
            foreach (var result in results)
            {
                if (result is GroupResult group) Add(group.Results, leaves);
                else if (result is AsyncResult single) leaves.Add(single);
            }
        }
    }

    /// <summary>Reads the current meta of every result that can still change (eager results cannot) into its <see cref="AsyncResult.Meta"/>.</summary>
    public static async Task RefreshAsync(IReadOnlyList<AsyncResult> results, CancellationToken cancellationToken)
    {
        // Members of one group share a backend; grouping keeps a mixed list correct all the same.
        foreach (var members in results.Where(r => !r.IsFinal).GroupBy(r => r.ResultBackend))
        {
            var list = members.ToList();
            var metas = await members.Key.GetManyAsync(list.ConvertAll(m => m.Id), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < list.Count; i++) list[i].Meta = metas[i];
        }
    }

    /// <summary>
    /// Starts waiting, all at once, for every result that was not ready when last read; the tasks
    /// complete with the ready metas. Cancel the token to end the waits still running.
    /// </summary>
    public static Dictionary<AsyncResult, Task<ResultMeta>> StartWaits(IReadOnlyList<AsyncResult> results, CancellationToken cancellationToken)
    {
        var waits = new Dictionary<AsyncResult, Task<ResultMeta>>(ReferenceEqualityComparer.Instance);
        foreach (var result in results)
            if (!result.IsFinal && !result.IsReady && !waits.ContainsKey(result))
                waits[result] = result.ResultBackend.WaitForReadyAsync(result.Id, cancellationToken).AsTask();
        return waits;
    }

    /// <summary>Lets waits left behind (a failure or timeout ended the join) finish, so none faults unobserved.</summary>
    public static async Task AbandonAsync(IEnumerable<Task<ResultMeta>> waits)
    {
        try
        {
            await Task.WhenAll(waits).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancelled by the caller on purpose; what the join throws is already decided.
        }
    }
}
