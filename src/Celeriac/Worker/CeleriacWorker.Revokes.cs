using System.Text.Json.Nodes;
using Celeriac.Diagnostics;
using Celeriac.Revocation;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>
/// Revokes that hold (docs/protocol.md §5.7, docs/architecture.md "Revokes that hold"): the revoked set,
/// loaded from the transport's revoke store at start and refreshed from it while the worker runs;
/// revoked requests discarded on receipt and before they run; terminate.
/// </content>
public sealed partial class CeleriacWorker
{
    private static readonly TimeSpan PersistTimeout = TimeSpan.FromSeconds(5);
    private RevokedSet? _revokedSet;
    private double? _revokeCursor;
    private int _revokeRefreshing;

    private RevokedSet Revoked =>
        LazyInitializer.EnsureInitialized(ref _revokedSet, () => new RevokedSet(_app.Options.WorkerRevokesMax, _app.Options.WorkerRevokeExpires));

    private double UnixNow => (_app.Options.TimeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;

    /// <summary>The <c>revoke</c> command (and <c>terminate</c>, which is revoke with terminate on): the reply value.</summary>
    internal async ValueTask<JsonNode?> RevokeCommandAsync(JsonObject arguments, bool terminate, CancellationToken cancellationToken)
    {
        // As Celery's control.revoke: the ids are revoked first, whatever happens next.
        var ids = TaskIds(arguments["task_id"]);
        var now = UnixNow;
        foreach (var id in ids) Revoked.Add(id, now, now);
        await PersistRevokesAsync(ids, cancellationToken).ConfigureAwait(false);
        if (!terminate)
        {
            _log.LogInformation("Tasks flagged as revoked: {Ids}", string.Join(", ", ids));
            return Ok($"tasks {string.Join(", ", ids)} flagged as revoked");
        }

        var signal = arguments["signal"] is JsonValue v ? v.ToString() : null;
        if (!SignalNumbers.TryParse(signal, out var signum)) return new JsonObject { ["error"] = $"Unknown signal: '{signal}'" };
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var terminated = new List<string>();
        foreach (var request in _running.Keys)
        {
            var id = request.Message.Id;
            if (!wanted.Remove(id) || !Terminate(request, signum)) continue;
            terminated.Add(id);
        }
        return Ok(terminated.Count == 0 ? "terminate: tasks unknown" : "terminate: " + string.Join(", ", terminated));
    }

    /// <summary>Ids in the revoked set now (<c>inspect revoked</c>), oldest revoke first.</summary>
    internal IReadOnlyList<string> RevokedIds => _revokedSet is { } set ? set.Snapshot(UnixNow).Select(e => e.TaskId).ToList() : [];

    /// <summary>The revoked set as <c>hello</c> carries it: <c>{id: [timestamp, id]}</c>.</summary>
    internal JsonObject RevokedForHello()
    {
        var reply = new JsonObject();
        if (_revokedSet is not { } set) return reply;
        foreach (var (id, at) in set.Snapshot(UnixNow)) reply[id] = new JsonArray(at, id);
        return reply;
    }

    /// <summary>
    /// Merges another node's revoked set from its <c>hello</c> (Celery's <c>LimitedSet.update</c>:
    /// <c>{id: [timestamp, id]}</c> or <c>{id: timestamp}</c>), keeping each revoke's time. The ids are
    /// also written to the revoke store (cheap, and the other node may be a Python one that kept
    /// them only in memory). An entry without a number for its time is skipped, not fatal.
    /// </summary>
    internal void MergeRevoked(JsonObject revoked)
    {
        var now = UnixNow;
        var merged = new List<string>();
        foreach (var (id, value) in revoked)
        {
            var at = value is JsonArray { Count: > 0 } pair ? pair[0] : value;
            if (at is JsonValue number && number.GetValueKind() == System.Text.Json.JsonValueKind.Number
                && Protocol.Json.CeleryJson.AsDouble(number) is { } timestamp && double.IsFinite(timestamp))
            {
                if (Revoked.Add(id, timestamp, now)) merged.Add(id);
            }
            else _log.LogWarning("hello: revoked entry {Id} has no timestamp ({Value}); skipped", id, value?.ToJsonString());
        }
        if (merged.Count > 0) _background.Track(PersistRevokesAsync(merged, CancellationToken.None), "storing revokes merged from hello");
    }

    /// <summary>Loads the revokes the broker keeps before the worker consumes, then refreshes them while it runs.</summary>
    private async Task StartRevokesAsync(CancellationToken cancellationToken)
    {
        if (_app.Transport is not IRevokeStore store) return;
        try
        {
            await RefreshRevokesAsync(store, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not fatal: the refresh loop reads them all once the broker answers.
            _log.LogWarning(ex, "{Hostname} could not load the revokes the broker keeps; it keeps trying", Hostname);
        }
        if (Interlocked.Exchange(ref _revokeRefreshing, 1) == 0) _ = Task.Run(() => RefreshRevokesLoopAsync(store));
    }

    private async Task RefreshRevokesLoopAsync(IRevokeStore store)
    {
        var failing = false;
        try
        {
            var token = _fetching.Token;
            // Real time, not the app's clock: this polls the broker, and a virtual clock in tests times tasks, not I/O.
            using var timer = new PeriodicTimer(_app.Options.WorkerRevokeRefreshInterval);
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                try
                {
                    await RefreshRevokesAsync(store, token).ConfigureAwait(false);
                    if (failing) _log.LogInformation("{Hostname} reads the revokes the broker keeps again", Hostname);
                    failing = false;
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    // Logged once per outage, not every second.
                    if (!failing) _log.LogWarning(ex, "{Hostname} could not read the revokes the broker keeps; retrying", Hostname);
                    failing = true;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The worker stopped.
        }
    }

    private async Task RefreshRevokesAsync(IRevokeStore store, CancellationToken cancellationToken)
    {
        var read = await store.ReadAsync(_revokeCursor, _app.RevokeRetention(), cancellationToken).ConfigureAwait(false);
        var now = UnixNow;
        var earliest = now - Revoked.Horizon.TotalSeconds + 1;
        // The store already dropped what is past the horizon by its clock: a skewed local clock must not drop it again.
        foreach (var entry in read.Entries) Revoked.Add(entry.TaskId, Math.Clamp(entry.RevokedAt, Math.Min(earliest, now), now), now);
        _revokeCursor = read.Cursor;
    }

    /// <summary>Writes revokes to the store so workers started later honour them; a broker that is down only logs.</summary>
    private async Task PersistRevokesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0 || _app.Transport is not IRevokeStore store) return;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(PersistTimeout);
        try
        {
            await store.RememberAsync(ids, _app.RevokeRetention(), bounded.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Revokes of {Ids} could not be written to the broker; this worker honours them, workers started later may not", string.Join(", ", ids));
        }
    }

    /// <summary>A revoked request is not run: REVOKED <c>"revoked"</c>, acked, <c>task-revoked</c>. Checked on receipt, when due and before running.</summary>
    private bool RevokeIfRevoked(TaskRequest request)
    {
        if (_revokedSet is not { } set || !set.Contains(request.Message.Id, UnixNow)) return false;
        if (request.Termination.IsCancellationRequested) return true; // terminated: recorded by Terminate already
        WorkerLog.DiscardingRevoked(_log, request.Message.Task, request.Message.Id);
        Revoke(request, "revoked");
        TaskRevokedEvent(request, terminated: false, expired: false, signum: null);
        return true;
    }

    /// <summary>
    /// Terminates a running request: it leaves the running set (so its own end is dropped), its
    /// token is cancelled, and it is recorded REVOKED <c>"terminated"</c> and acked now, as Celery does
    /// when it signals the process. A body that ignores its token is abandoned after the grace
    /// period (<see cref="WorkerOptions.CancelGracePeriod"/>) and its slot freed. False when it ended meanwhile.
    /// </summary>
    private bool Terminate(TaskRequest request, int signum)
    {
        if (!_running.TryRemove(request, out _)) return false;
        WorkerLog.Terminating(_log, request.Message.Id, signum);
        try { request.Termination.Cancel(); }
        catch (AggregateException ex) { _log.LogWarning(ex, "Task {TaskId}: a cancellation callback threw while terminating it", request.Message.Id); }
        Revoke(request, "terminated");
        TaskRevokedEvent(request, terminated: true, expired: false, signum: signum);
        return true;
    }

    /// <summary>The scope a request runs in: its terminate token and this worker's remote limits.</summary>
    private ExecutionScope RunScope(TaskRequest request) => Scope(request.Delivery, _cancelTasks.Token) with
    {
        Terminate = request.Termination.Token,
        TerminateGrace = Options.CancelGracePeriod == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : Options.CancelGracePeriod,
        RemoteLimits = _remoteLimits,
    };

    /// <summary><c>task_id</c> as Celery's <c>maybe_list</c> reads it: one id or a list, each once, in order.</summary>
    private static List<string> TaskIds(JsonNode? node)
    {
        var items = node is JsonArray list ? list.ToList() : node is null ? [] : new List<JsonNode?> { node };
        return items.OfType<JsonValue>().Select(v => v.ToString()).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    private static JsonObject Ok(string text) => new() { ["ok"] = text };
}
