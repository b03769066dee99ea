namespace Celeriac.Worker;

/// <content>
/// What the health check reads (docs/architecture.md, Hosting): the fetch loop's phase with the time
/// it entered it — two field writes per fetch, no allocation — and the last heartbeat.
/// </content>
public sealed partial class CeleriacWorker
{
    private int _fetchPhase;
    private long _fetchPhaseSince;
    private long _lastHeartbeat;
    private volatile string? _lastFetchError;
    private int _fetchFailures;
    private readonly Diagnostics.OutageLog _fetchOutage = new(TimeSpan.FromSeconds(30));

    private void EnterPhase(FetchPhase phase)
    {
        Volatile.Write(ref _fetchPhaseSince, _app.Options.TimeProvider.GetUtcNow().UtcTicks);
        Volatile.Write(ref _fetchPhase, (int)phase);
    }

    private void FetchFailed(Exception error)
    {
        _lastFetchError = error.Message;
        Interlocked.Increment(ref _fetchFailures);
        EnterPhase(FetchPhase.Failing);
    }

    private void FetchSucceeded()
    {
        if (Volatile.Read(ref _fetchFailures) == 0) return;
        Volatile.Write(ref _fetchFailures, 0);
        _lastFetchError = null;
    }

    private void HeartbeatSent() => Volatile.Write(ref _lastHeartbeat, _app.Options.TimeProvider.GetUtcNow().UtcTicks);

    /// <summary>The fetch loop's state now, for the worker health check.</summary>
    internal WorkerHealth Health()
    {
        var since = Volatile.Read(ref _fetchPhaseSince);
        var heartbeat = Volatile.Read(ref _lastHeartbeat);
        bool stopping;
        lock (_lifecycle) stopping = _stopping is not null;
        var phase = (FetchPhase)Volatile.Read(ref _fetchPhase);
        // A loop that ended on its own (it restarts after a fault, so only a stop ends it) is not fetching.
        if (phase != FetchPhase.NotStarted && _fetchLoop.IsCompleted) phase = FetchPhase.Stopped;
        return new WorkerHealth(phase, since == 0 ? DateTimeOffset.MinValue : new DateTimeOffset(since, TimeSpan.Zero), _lastFetchError,
            Volatile.Read(ref _fetchFailures), heartbeat == 0 ? null : new DateTimeOffset(heartbeat, TimeSpan.Zero), Active, stopping);
    }
}
