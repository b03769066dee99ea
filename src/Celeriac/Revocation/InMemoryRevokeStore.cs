namespace Celeriac.Revocation;

/// <summary>
/// The revoke store of one in-memory broker: every app and worker on <c>memory://name</c> shares
/// it, as they share its queues. The cursor is a sequence number, so a read never misses an
/// entry whatever the callers' clocks say.
/// </summary>
internal sealed class InMemoryRevokeStore : IRevokeStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (double RevokedAt, long Seq)> _entries = new(StringComparer.Ordinal);
    private long _seq;

    /// <inheritdoc />
    public ValueTask RememberAsync(IReadOnlyCollection<string> taskIds, RevokeRetention retention, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            foreach (var id in taskIds) _entries[id] = (retention.Now, ++_seq);
            Trim(retention);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<RevokeStoreRead> ReadAsync(double? cursor, RevokeRetention retention, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            Trim(retention);
            var after = cursor ?? -1;
            var found = _entries.Where(e => e.Value.Seq > after).OrderBy(e => e.Value.Seq)
                .Select(e => new RevokedEntry(e.Key, e.Value.RevokedAt)).ToList();
            return ValueTask.FromResult(new RevokeStoreRead(found, _seq));
        }
    }

    private void Trim(RevokeRetention retention)
    {
        var oldest = retention.Now - retention.Horizon.TotalSeconds;
        foreach (var stale in _entries.Where(e => e.Value.RevokedAt <= oldest).Select(e => e.Key).ToList()) _entries.Remove(stale);
        if (_entries.Count <= retention.Max) return;
        foreach (var id in _entries.OrderBy(e => e.Value.Seq).Take(_entries.Count - retention.Max).Select(e => e.Key).ToList()) _entries.Remove(id);
    }
}
