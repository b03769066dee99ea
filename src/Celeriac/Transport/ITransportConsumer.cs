namespace Celeriac.Transport;

/// <summary>
/// A pull consumer with credit: the worker asks for at most as many messages as it has room for
/// (prefetch), so nothing is taken off the broker that the worker cannot hold.
/// </summary>
internal interface ITransportConsumer : IAsyncDisposable
{
    /// <summary>
    /// Waits until at least one message is available, then returns between 1 and
    /// <paramref name="maxCount"/> deliveries. Cancelling stops the wait and returns nothing.
    /// </summary>
    ValueTask<IReadOnlyList<TransportDelivery>> ReceiveAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>Settles deliveries in one batch. Each delivery is settled once; a second settlement is ignored.</summary>
    ValueTask SettleAsync(IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken = default);
}
