namespace Celeriac.Transport;

/// <summary>
/// A consumer whose queues change while it runs (the <c>add_consumer</c> and <c>cancel_consumer</c>
/// commands, docs/protocol.md §7). A transport's consumer implements it next to
/// <see cref="ITransportConsumer"/>; one that does not cannot change its queues.
/// </summary>
/// <remarks>
/// A change never loses a delivery: a receive in flight when it is made finishes on the queues it
/// started with, and what was taken from a cancelled queue stays the consumer's to settle (ack,
/// reject or give back to that queue) as any other delivery.
/// </remarks>
internal interface IQueueSetConsumer
{
    /// <summary>The queues consumed now, in the order they were added.</summary>
    IReadOnlyList<string> Queues { get; }

    /// <summary>
    /// Starts taking from <paramref name="queue"/> (already declared) in the next receive, waking a
    /// receive that waits on the other queues; false when it is consumed already.
    /// </summary>
    ValueTask<bool> AddQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops taking from <paramref name="queue"/>: once this completes no receive takes from it;
    /// false when it was not consumed.
    /// </summary>
    ValueTask<bool> CancelQueueAsync(string queue, CancellationToken cancellationToken = default);
}
