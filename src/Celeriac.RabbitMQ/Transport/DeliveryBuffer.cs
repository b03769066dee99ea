using Celeriac.Transport;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// What the broker pushed to a consumer and the worker has not taken yet, one FIFO per queue. From
/// the worker's point of view these messages are still waiting (docs/protocol.md §2.3): a receive takes
/// from them, queue depth counts them, a purge deletes them, a restore puts a delivery back at the
/// front of its queue's FIFO. Receives take round-robin across queues so a busy queue's backlog never
/// starves a quiet one. Not thread-safe on its own: the consumer calls it under its lock.
/// </summary>
internal sealed class DeliveryBuffer
{
    private readonly Dictionary<string, LinkedList<TransportDelivery>> _queues = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private int _next;
    private TaskCompletionSource? _waiter;

    /// <summary>Deliveries buffered across all queues.</summary>
    public int Count { get; private set; }

    /// <summary>Deliveries buffered for <paramref name="queue"/>.</summary>
    public int CountOf(string queue) => _queues.TryGetValue(queue, out var list) ? list.Count : 0;

    /// <summary>Adds a delivery at the back of its queue's FIFO and wakes a waiting receive.</summary>
    public void Add(TransportDelivery delivery)
    {
        Fifo(delivery.Queue).AddLast(delivery);
        Count++;
        Wake();
    }

    /// <summary>Puts deliveries back at the front of their queues' FIFOs, keeping their order.</summary>
    public void Restore(IReadOnlyList<TransportDelivery> deliveries)
    {
        for (var i = deliveries.Count - 1; i >= 0; i--)
        {
            Fifo(deliveries[i].Queue).AddFirst(deliveries[i]);
            Count++;
        }
        if (deliveries.Count > 0) Wake();
    }

    /// <summary>Takes up to <paramref name="maxCount"/> deliveries, one queue at a time in turn.</summary>
    public List<TransportDelivery> Take(int maxCount)
    {
        var taken = new List<TransportDelivery>(Math.Min(maxCount, Count));
        while (taken.Count < maxCount && Count > 0)
        {
            for (var scanned = 0; scanned < _order.Count && taken.Count < maxCount; scanned++)
            {
                var list = _queues[_order[_next]];
                _next = (_next + 1) % _order.Count;
                if (list.First is not { } first) continue;
                list.RemoveFirst();
                Count--;
                taken.Add(first.Value);
            }
        }
        return taken;
    }

    /// <summary>Removes and returns every delivery of <paramref name="queue"/> (a purge, a cancelled queue).</summary>
    public List<TransportDelivery> TakeAll(string queue)
    {
        if (!_queues.TryGetValue(queue, out var list)) return [];
        var all = list.ToList();
        list.Clear();
        Count -= all.Count;
        return all;
    }

    /// <summary>Removes and returns every delivery matching <paramref name="match"/> (those of a lost channel).</summary>
    public List<TransportDelivery> TakeWhere(Func<TransportDelivery, bool> match)
    {
        var removed = new List<TransportDelivery>();
        foreach (var list in _queues.Values)
        {
            for (var node = list.First; node is not null;)
            {
                var next = node.Next;
                if (match(node.Value))
                {
                    list.Remove(node);
                    removed.Add(node.Value);
                }
                node = next;
            }
        }
        Count -= removed.Count;
        return removed;
    }

    /// <summary>A task that completes when something is added after this call (or at <see cref="Complete"/>).</summary>
    public Task WaitAsync() => (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes every waiter for good (the consumer is closing).</summary>
    public void Complete() => Wake();

    private LinkedList<TransportDelivery> Fifo(string queue)
    {
        if (!_queues.TryGetValue(queue, out var list))
        {
            _queues[queue] = list = new LinkedList<TransportDelivery>();
            _order.Add(queue);
        }
        return list;
    }

    private void Wake()
    {
        var waiter = _waiter;
        _waiter = null;
        waiter?.TrySetResult();
    }
}
