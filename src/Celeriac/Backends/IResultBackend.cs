using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Backends;

/// <summary>
/// Where task states and results live. Implementations: <c>memory://</c> here, Redis in its package.
/// </summary>
internal interface IResultBackend : IAsyncDisposable
{
    /// <summary>
    /// Stores metas in one batch and wakes whoever waits on them. A stored SUCCESS is never
    /// overwritten (a redelivered duplicate must not replace a good result; docs/protocol.md §4.2).
    /// </summary>
    ValueTask StoreAsync(IReadOnlyList<ResultMeta> results, CancellationToken cancellationToken = default);

    /// <summary>The stored meta, or a PENDING meta when nothing is stored.</summary>
    ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored metas of many tasks, in the order of <paramref name="taskIds"/> (PENDING for those
    /// with nothing stored), read in as few round trips as the store allows: what a group's
    /// readiness, completed count and join use. The default reads them one by one; a backend with
    /// a batch read overrides it.
    /// </summary>
    async ValueTask<IReadOnlyList<ResultMeta>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        var metas = new ResultMeta[taskIds.Count];
        for (var i = 0; i < metas.Length; i++) metas[i] = await GetAsync(taskIds[i], cancellationToken).ConfigureAwait(false);
        return metas;
    }

    /// <summary>
    /// Waits until the task is ready (SUCCESS, FAILURE, REVOKED) and returns its meta. Woken by the
    /// store where it can push; cancel the token to stop waiting.
    /// </summary>
    ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Deletes a task's stored result.</summary>
    ValueTask ForgetAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Saves a group result tuple (docs/protocol.md §4.7) under the group id.</summary>
    ValueTask SaveGroupAsync(string groupId, JsonArray resultTuple, CancellationToken cancellationToken = default);

    /// <summary>The saved group result tuple, or null.</summary>
    ValueTask<JsonArray?> RestoreGroupAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Called before a task message is published. A backend whose results are messages to the
    /// sender (<c>rpc://</c>) declares the sender's reply queue here, so a result sent before the
    /// client first reads is not dropped (Celery's <c>on_task_call</c>). Others do nothing.
    /// </summary>
    ValueTask BeforeSendAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Celery's <c>ensure_chords_allowed</c>: throws <see cref="NotSupportedException"/> when this
    /// backend cannot join a chord (<c>rpc://</c>). Backends that can do nothing.
    /// </summary>
    void EnsureChordsAllowed() { }
}
