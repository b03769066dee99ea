using System.Collections.Concurrent;
using Celeriac.Transport;

namespace Celeriac.Memory;

/// <summary>
/// Consumer of the in-memory broker. Delivered messages stay tracked until settled; whatever is
/// unsettled when the consumer is disposed goes back to the front of its queue, as kombu restores
/// unacked messages when a channel closes (docs/protocol.md §2.4).
/// </summary>
internal sealed class InMemoryConsumer(InMemoryBroker broker, InMemoryQueue[] queues) : ITransportConsumer
{
    private readonly ConcurrentDictionary<TransportDelivery, (StoredMessage Stored, long Sequence)> _unsettled = new();
    private int _next; // round-robin start, so one busy queue does not starve the others
    private long _delivered; // delivery order, so restored messages keep it

    public async ValueTask<IReadOnlyList<TransportDelivery>> ReceiveAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (maxCount <= 0) throw new ArgumentOutOfRangeException(nameof(maxCount));
        var taken = new List<(string Queue, StoredMessage Message)>(Math.Min(maxCount, 64));
        while (true)
        {
            var start = _next++;
            for (var i = 0; i < queues.Length && taken.Count < maxCount; i++)
                queues[(start + i) % queues.Length].TakeInto(taken, maxCount - taken.Count);
            if (taken.Count > 0) return taken.Select(t => Deliver(t.Queue, t.Message)).ToList();
            if (cancellationToken.IsCancellationRequested) return [];

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var mustWait = true;
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
                // Only one queue woke us (or none, when cancelled): unregister from the rest.
                foreach (var q in queues) q.RemoveWaiter(signal);
            }
        }
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
