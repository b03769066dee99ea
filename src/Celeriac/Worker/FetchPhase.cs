namespace Celeriac.Worker;

/// <summary>Where the fetch loop is; what the worker health check reads to tell idle from stuck.</summary>
internal enum FetchPhase
{
    /// <summary>Not consuming yet (starting, or the start failed).</summary>
    NotStarted,
    /// <summary>Waiting for a free slot's prefetch credit: busy, not stuck.</summary>
    WaitingForCredit,
    /// <summary>In a (blocking) receive from the broker: idle on an empty queue counts as alive.</summary>
    Receiving,
    /// <summary>Handing received messages out; quick, so a long stay here means stuck.</summary>
    Dispatching,
    /// <summary>The last receive failed (the broker is unreachable); waiting to retry.</summary>
    Failing,
    /// <summary>Stopped fetching (shutting down, or the loop ended).</summary>
    Stopped,
}
