using Celeriac.Revocation;

namespace Celeriac;

/// <content>Revokes kept where the broker can hold them, so a worker started later honours them too.</content>
public sealed partial class CeleriacApp
{
    /// <summary>
    /// Records revoked ids where every worker, also one started later, will see them: in the
    /// transport's revoke store (docs/architecture.md, "Revokes that hold"). A transport without
    /// one keeps nothing, and revokes reach only the workers listening when they are broadcast, as in Celery.
    /// </summary>
    internal async System.Threading.Tasks.Task RememberRevokedAsync(IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken)
    {
        if (taskIds.Count == 0 || Transport is not IRevokeStore store) return;
        await store.RememberAsync(taskIds, RevokeRetention(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The revoke horizon and bound of this app's settings, at the app's clock's now.</summary>
    internal RevokeRetention RevokeRetention() =>
        new(Options.WorkerRevokeExpires, Options.WorkerRevokesMax, Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
}
