using Celeriac.Protocol.Messages;

namespace Celeriac.Worker;

/// <summary>
/// Where a task runs: the node, the route it was delivered with (retries go back there; null when
/// eager), its cancellation, the worker's shutdown token, and where its own state updates go.
/// </summary>
internal sealed record ExecutionScope(string Hostname, DeliveryInfo? Route, bool IsEager, CancellationToken Cancellation, CancellationToken ShutdownToken, IResultStorePort? StatePort)
{
    /// <summary>The queue (routing key) it came from.</summary>
    public string? Queue => Route?.RoutingKey;

    /// <summary>Fires when this run is terminated (<c>revoke</c> with <c>terminate</c>); none when eager.</summary>
    public CancellationToken Terminate { get; init; }

    /// <summary>How long a terminated run gets to honour its token before it is abandoned and its slot freed.</summary>
    public TimeSpan TerminateGrace { get; init; }

    /// <summary>Per-worker limits set remotely (<c>time_limit</c>), which take the task's own place; none when eager.</summary>
    public RemoteTaskLimits? RemoteLimits { get; init; }
}
