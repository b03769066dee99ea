namespace Celeriac.Revocation;

/// <summary>
/// Revokes kept where the broker keeps them, so they hold for workers that were away or not yet
/// started when the revoke was sent (docs/architecture.md, "Revokes that hold"). A transport that
/// can keep them implements this next to <see cref="Transport.ITransport"/>, as it does
/// <see cref="Transport.IBroadcast"/>; without it revokes live only in the workers' memory, as in Celery.
/// </summary>
internal interface IRevokeStore
{
    /// <summary>Records <paramref name="taskIds"/> as revoked now (one round trip however many), dropping what is past the retention.</summary>
    ValueTask RememberAsync(IReadOnlyCollection<string> taskIds, RevokeRetention retention, CancellationToken cancellationToken = default);

    /// <summary>
    /// The live revokes recorded after <paramref name="cursor"/> (all of them when null), and the
    /// cursor to pass next time. Cheap when nothing changed: a worker calls it every second or so.
    /// </summary>
    ValueTask<RevokeStoreRead> ReadAsync(double? cursor, RevokeRetention retention, CancellationToken cancellationToken = default);
}
