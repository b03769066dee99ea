namespace Celeriac.Revocation;

/// <summary>
/// One worker's revoked ids, as Celery's <c>LimitedSet</c> (docs/protocol.md §5.7): at most
/// <see cref="Max"/> ids, each held for <see cref="Horizon"/> after it was revoked, the oldest
/// dropped first when full. Each id keeps the time it was revoked (Unix seconds), which
/// <c>hello</c> carries as <c>{id: [timestamp, id]}</c>. Safe across threads; the check on the
/// task path takes no lock while the set is empty.
/// </summary>
internal sealed class RevokedSet(int max, TimeSpan horizon)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, double> _revokedAt = new(StringComparer.Ordinal);
    // Oldest first; an entry whose id was re-revoked later (or removed) is stale and skipped.
    private readonly PriorityQueue<string, double> _byAge = new();
    private int _count;

    /// <summary>The most ids held (<c>CELERY_WORKER_REVOKES_MAX</c>).</summary>
    public int Max { get; } = max;

    /// <summary>How long an id is held after its revoke (<c>CELERY_WORKER_REVOKE_EXPIRES</c>).</summary>
    public TimeSpan Horizon { get; } = horizon;

    /// <summary>Ids held now (expired ones may linger until the next change or read).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds (or renews) an id revoked at <paramref name="revokedAt"/> (Unix seconds); false when that is already past the horizon.</summary>
    public bool Add(string taskId, double revokedAt, double now)
    {
        if (revokedAt <= now - Horizon.TotalSeconds) return false;
        lock (_lock)
        {
            // As LimitedSet.add: a later revoke of the same id renews it; an earlier one changes nothing.
            if (_revokedAt.TryGetValue(taskId, out var at) && at >= revokedAt) return true;
            _revokedAt[taskId] = revokedAt;
            _byAge.Enqueue(taskId, revokedAt);
            PurgeLocked(now);
            return true;
        }
    }

    /// <summary>True when <paramref name="taskId"/> is revoked and its revoke is within the horizon.</summary>
    public bool Contains(string taskId, double now)
    {
        if (Volatile.Read(ref _count) == 0) return false;
        lock (_lock)
        {
            return _revokedAt.TryGetValue(taskId, out var at) && at > now - Horizon.TotalSeconds;
        }
    }

    /// <summary>The live ids with the time each was revoked, oldest first.</summary>
    public IReadOnlyList<(string TaskId, double RevokedAt)> Snapshot(double now)
    {
        lock (_lock)
        {
            PurgeLocked(now);
            return _revokedAt.OrderBy(p => p.Value).Select(p => (p.Key, p.Value)).ToList();
        }
    }

    private void PurgeLocked(double now)
    {
        var oldest = now - Horizon.TotalSeconds;
        while (_byAge.TryPeek(out var id, out var at))
        {
            var current = _revokedAt.TryGetValue(id, out var c) ? c : double.NaN;
            if (current != at)
            {
                _byAge.Dequeue(); // stale: renewed or dropped since
                continue;
            }
            if (at > oldest && _revokedAt.Count <= Max) break;
            _byAge.Dequeue();
            _revokedAt.Remove(id);
        }
        Volatile.Write(ref _count, _revokedAt.Count);
    }
}
