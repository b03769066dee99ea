using System.Text.Json.Nodes;
using Celeriac.Control;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// The workers' live state as <c>inspect</c> reports it (stats, active_queues, registered, …: Flower's set), cached:
/// one refresh at a time, at most every <see cref="MaxAge"/>, each broadcast waiting the control default (1 s) for
/// replies. A page load with a snapshot in hand never waits: it gets the last one while a newer one is fetched, so a
/// dead worker (or a slow broker) costs a refresh, never a page.
/// </summary>
internal sealed class WorkerInspection(CeleriacApp app, TimeProvider time)
{
    /// <summary>How old a snapshot may be before a read starts a refresh.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    /// <summary>Flower's inspect methods (flower/inspector.py), so <c>/api/workers</c> has what Flower's has.</summary>
    public static readonly string[] Methods = ["stats", "active_queues", "registered", "scheduled", "active", "reserved", "revoked", "conf"];

    private readonly Lock _gate = new();
    private WorkerSnapshot? _last;
    private Task<WorkerSnapshot>? _refreshing;

    /// <summary>
    /// The latest snapshot: fresh enough ones as they are; an old one as it is while a refresh runs behind it; none
    /// yet, or <paramref name="refresh"/> (Flower's <c>?refresh=1</c>), waits for the refresh.
    /// </summary>
    /// <exception cref="Exception">The refresh that was waited for failed (broker down).</exception>
    public async Task<WorkerSnapshot> GetAsync(bool refresh = false, CancellationToken cancellationToken = default)
    {
        // An explicit refresh asks now: a round already in flight may have gone out before the worker asked about was up.
        if (refresh) return await InspectAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        Task<WorkerSnapshot> refreshing;
        WorkerSnapshot? last;
        lock (_gate)
        {
            last = _last;
            if (last is not null && time.GetUtcNow() - last.At < MaxAge) return last;
            refreshing = _refreshing ??= RefreshAsync();
        }
        if (last is not null) return last;
        return await refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The last snapshot as it is, never waiting; starts a refresh in the background when it is older than
    /// <paramref name="maxAge"/> (or there is none). For callers that must not add latency or chatter, such as ingestion.
    /// </summary>
    public WorkerSnapshot? Peek(TimeSpan maxAge)
    {
        lock (_gate)
        {
            if ((_last is null || time.GetUtcNow() - _last.At >= maxAge) && _refreshing is null)
            {
                _refreshing = RefreshAsync();
                // Nobody may await this one: observe a failure (broker down) so it is not reported as unobserved.
                _refreshing.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
            return _last;
        }
    }

    /// <summary>Forgets the snapshot, so the next read asks again (after an action changed a worker).</summary>
    public void Invalidate()
    {
        lock (_gate) if (_last is not null) _last = _last with { At = DateTimeOffset.MinValue };
    }

    /// <summary>The shared refresh: one at a time.</summary>
    private async Task<WorkerSnapshot> RefreshAsync()
    {
        try
        {
            await Task.Yield(); // out of the caller's lock
            return await InspectAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate) _refreshing = null;
        }
    }

    /// <summary>One round of every method, kept as the latest snapshot unless a newer one came meanwhile.</summary>
    private async Task<WorkerSnapshot> InspectAsync()
    {
        var options = new ControlCallOptions { Reply = true };
        var replies = await Task.WhenAll(Methods.Select(m => app.Control.BroadcastAsync(m, null, options))).ConfigureAwait(false);
        var at = time.GetUtcNow();
        var workers = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        for (var i = 0; i < Methods.Length; i++)
            foreach (var (node, reply) in replies[i])
            {
                if (!workers.TryGetValue(node, out var info)) workers[node] = info = [];
                info[Methods[i]] = reply?.DeepClone();
            }
        foreach (var info in workers.Values) info["timestamp"] = at.ToUnixTimeMilliseconds() / 1000.0;
        var snapshot = new WorkerSnapshot(at, workers);
        lock (_gate) if (_last is null || _last.At <= at) _last = snapshot;
        return snapshot;
    }
}
