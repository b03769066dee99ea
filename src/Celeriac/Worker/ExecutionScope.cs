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
}
