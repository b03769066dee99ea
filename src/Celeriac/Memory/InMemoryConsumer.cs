using System.Collections.Concurrent;
using Celeriac.Transport;

namespace Celeriac.Memory;

/// <summary>
/// Consumer of the in-memory broker. Delivered messages stay tracked until settled; whatever is
/// unsettled when the consumer is disposed goes back to the front of its queue, as kombu restores
/// unacked messages when a channel closes (SPEC §2.4).
/// </summary>
internal sealed class InMemoryConsumer(InMemoryBroker broker, InMemoryQueue[] queues) : ITransportConsumer
{
    private readonly ConcurrentDictionary<TransportDelivery, StoredMessage> _unsettled = new();
    private int _next; // round-robin start, so one busy queue does not starve the others

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
            if (!mustWait) continue;
            try
            {
                await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }
    }

    private TransportDelivery Deliver(string queue, StoredMessage stored)
    {
        var delivery = stored.Malformed is { } bad
            ? new TransportDelivery(bad, queue, stored.DeliveryTag, stored)
            : new TransportDelivery(stored.Message!, queue, stored.Route, stored.DeliveryTag, stored.Redelivered, stored);
        _unsettled[delivery] = stored;
        return delivery;
    }

    public ValueTask SettleAsync(IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken = default)
    {
        foreach (var (delivery, action) in settlements)
        {
            if (!_unsettled.TryRemove(delivery, out var stored) || !delivery.TryMarkSettled()) continue;
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
                    broker.Queue(delivery.Queue).Enqueue(stored with { Redelivered = true }, front: true);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        var left = _unsettled.Keys.Select(d => new Settlement(d, SettleAction.Restore)).ToList();
        return SettleAsync(left);
    }
}
