namespace Celeriac.Worker;

/// <summary>
/// A snapshot of the worker's liveness for the health check: the fetch loop's phase and since when,
/// the last fetch error, and the last heartbeat sent.
/// </summary>
internal readonly record struct WorkerHealth(FetchPhase Phase, DateTimeOffset PhaseSince, string? LastFetchError, int FetchFailures,
    DateTimeOffset? LastHeartbeat, int Active, bool Stopping);
