using Celeriac.Protocol.Messages;

namespace Celeriac.Transport;

/// <summary>A live fanout subscription; dispose it to stop receiving and remove its binding.</summary>
internal interface IBroadcastSubscription : IAsyncDisposable
{
    /// <summary>Waits for the next message; returns null when cancelled or the subscription ended.</summary>
    ValueTask<BroadcastMessage?> ReceiveAsync(CancellationToken cancellationToken);
}
