using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Canvas;

/// <summary>
/// Reads a chord header's results from their result tuples (docs/protocol.md §4.6), as Celery's
/// <c>GroupResult.join</c> does for <c>celery.chord_unlock</c> and for a header saved as a group:
/// values in header order, a nested group as a nested list, and the first failure in that order.
/// </summary>
internal static class HeaderResults
{
    /// <summary>True when every task of the header (members of nested groups too) is ready; read in one batch.</summary>
    public static async Task<bool> AllReadyAsync(IResultBackend backend, IEnumerable<ResultTuple> header, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        AddIds(header, ids);
        var metas = await backend.GetManyAsync(ids, cancellationToken).ConfigureAwait(false);
        return metas.All(m => m.IsReady);

        static void AddIds(IEnumerable<ResultTuple> results, List<string> ids)
        {
            foreach (var result in results)
            {
                if (result.Members is { } members) AddIds(members, ids);
                else ids.Add(result.Id);
            }
        }
    }

    /// <summary>
    /// The header's values, read with <paramref name="read"/>; or, for the first task in header order
    /// that failed or was revoked, Celery's <c>Dependency &lt;id&gt; raised …</c> reason.
    /// </summary>
    public static async Task<(JsonArray Values, string? Failure)> CollectAsync(IEnumerable<ResultTuple> header, Func<string, Task<ResultMeta>> read)
    {
        var values = new JsonArray();
        foreach (var result in header)
        {
            if (result.Members is { } members)
            {
                var (nested, failure) = await CollectAsync(members, read).ConfigureAwait(false);
                if (failure is not null) return (values, failure);
                values.Add(nested);
                continue;
            }
            var meta = await read(result.Id).ConfigureAwait(false);
            if (meta.Status is TaskStates.Failure or TaskStates.Revoked) return (values, ChordCallback.DependencyFailed(result.Id, meta.Result));
            values.Add(meta.Result?.DeepClone());
        }
        return (values, null);
    }
}
