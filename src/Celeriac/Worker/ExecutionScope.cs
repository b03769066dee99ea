namespace Celeriac.Worker;

/// <summary>Where a task runs: the node, the queue it came from, eager or not, and its cancellation.</summary>
internal sealed record ExecutionScope(string Hostname, string? Queue, bool IsEager, CancellationToken Cancellation, CancellationToken ShutdownToken, IResultStorePort? StatePort);
