using System.Collections.Concurrent;
using Celeriac.Transport;

namespace Celeriac.Memory;

/// <summary>
/// Consumer of the in-memory broker. Delivered messages stay tracked until settled; whatever is
/// unsettled when the consumer is disposed goes back to the front of its queue, as kombu restores
/// unacked messages when a channel closes (docs/protocol.md §2.4). Its queues can change while it
/// runs (<see cref="IQueueSetConsumer"/>): takes and changes share one lock, so once a cancel
/// returns nothing more is taken from that queue.
/// </summary>
internal sealed class InMemoryConsumer(InMemoryBroker broker, InMemoryQueue[] queues) : ITransportConsumer, IQueueSetConsumer
{
    private readonly ConcurrentDictionary<TransportDelivery, (StoredMessage Stored, long Sequence)> _unsettled = new();
    private readonly object _taking = new();
    private InMemoryQueue[] _queues = queues; // replaced whole (under _taking) when the set changes
    private TaskCompletionSource? _waiter; // the receive waiting for a message, woken when the set changes
    private int _next; // round-robin start, so one busy queue does not starve the others
    private long _delivered; // delivery order, so restored messages keep it

    /// <inheritdoc />
    public IReadOnlyList<string> Queues => Volatile.Read(ref _queues).Select(q => q.Name).ToArray();

    public async ValueTask<IReadOnlyList<TransportDelivery>> ReceiveAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (maxCount <= 0) throw new ArgumentOutOfRangeException(nameof(maxCount));
        var taken = new List<(string Queue, StoredMessage Message)>(Math.Min(maxCount, 64));
        while (true)
        {
            InMemoryQueue[] queues;
            lock (_taking)
            {
                queues = _queues;
                var start = _next++;
                for (var i = 0; i < queues.Length && taken.Count < maxCount; i++)
                    queues[(start + i) % queues.Length].TakeInto(taken, maxCount - taken.Count);
            }
            if (taken.Count > 0) return taken.Select(t => Deliver(t.Queue, t.Message)).ToList();
            if (cancellationToken.IsCancellationRequested) return [];

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _waiter, signal); // a full fence: the set is read after this write
            // The set changed since it was read: look again rather than wait on the old one.
            var mustWait = ReferenceEquals(queues, Volatile.Read(ref _queues));
            foreach (var q in queues) mustWait &= q.AddWaiter(signal);
            if (!mustWait)
            {
                foreach (var q in queues) q.RemoveWaiter(signal);
                continue;
            }
            try
            {
                await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return [];
            }
            finally
            {
                // Only one queue woke us (or none, when cancelled or the set changed): unregister from the rest.
                foreach (var q in queues) q.RemoveWaiter(signal);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> AddQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Change(queue, add: true));

    /// <inheritdoc />
    public ValueTask<bool> CancelQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Change(queue, add: false));

    private bool Change(string queue, bool add)
    {
        lock (_taking)
        {
            var at = Array.FindIndex(_queues, q => q.Name == queue);
            if (add == at >= 0) return false;
            Volatile.Write(ref _queues, add ? [.. _queues, broker.Queue(queue)] : _queues.Where((_, i) => i != at).ToArray());
        }
        Interlocked.CompareExchange(ref _waiter, null, null)?.TrySetResult(); // a full fence after the swap
        return true;
    }

    private TransportDelivery Deliver(string queue, StoredMessage stored)
    {
        // Each delivery gets its own copy: what one receiver changes must not reach a redelivery.
        var delivery = stored.Malformed is { } bad
            ? new TransportDelivery(bad, queue, stored.DeliveryTag, stored)
            : new TransportDelivery(InMemoryTransport.Copy(stored.Message!), queue, stored.Route, stored.DeliveryTag, stored.Redelivered, stored);
        _unsettled[delivery] = (stored, Interlocked.Increment(ref _delivered));
        return delivery;
    }

    public ValueTask SettleAsync(IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken = default)
    {
        List<(StoredMessage Stored, long Sequence, string Queue)>? restores = null;
        foreach (var (delivery, action) in settlements)
        {
            if (!_unsettled.TryRemove(delivery, out var entry) || !delivery.TryMarkSettled()) continue;
            var stored = entry.Stored;
            switch (action)
            {
                case SettleAction.Ack:
                    break;
                case SettleAction.Reject:
                    broker.DeadLetter(stored);
                    break;
                case SettleAction.Requeue:
                    broker.Queue(delivery.Queue).Enqueue(stored with { Redelivered = true }, front: false);
                    break;
                case SettleAction.Restore:
                    (restores ??= []).Add((stored, entry.Sequence, delivery.Queue));
                    break;
            }
        }
        // Restored messages go to the front in their delivery order, as kombu restores unacked
        // messages (last delivered pushed first; docs/protocol.md §2.4).
        if (restores is not null)
            foreach (var (stored, _, queue) in restores.OrderByDescending(r => r.Sequence))
                broker.Queue(queue).Enqueue(stored with { Redelivered = true }, front: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        var left = _unsettled.Keys.Select(d => new Settlement(d, SettleAction.Restore)).ToList();
        return SettleAsync(left);
    }
}
