namespace Celeriac.Redis.Transport;

/// <summary>
/// The order in which a consumer offers its queues to Redis, as kombu's cycle classes keep it
/// (<c>round_robin_cycle</c>, <c>sorted_cycle</c>, <c>priority_cycle</c>; docs/protocol.md §2.3). Not
/// thread-safe: the consumer only touches it while it holds its receive gate.
/// </summary>
internal sealed class QueueCycle
{
    private readonly List<string> _queues;
    private readonly QueueOrderStrategy _strategy;

    public QueueCycle(IEnumerable<string> queues, QueueOrderStrategy strategy)
    {
        _strategy = strategy;
        _queues = queues.Distinct(StringComparer.Ordinal).ToList();
        if (strategy == QueueOrderStrategy.Sorted) _queues.Sort(StringComparer.Ordinal);
    }

    /// <summary>The queues in the order of the next pop.</summary>
    public IReadOnlyList<string> Current => _queues;

    /// <summary>True when a pop changes the order (round robin over more than one queue).</summary>
    public bool Rotates => _strategy == QueueOrderStrategy.RoundRobin && _queues.Count > 1;

    /// <summary>
    /// Adds a queue (the <c>add_consumer</c> command): in its sorted place for the sorted cycle, else
    /// last, as kombu's cycles add a consumer's queue; false when it is there already.
    /// </summary>
    public bool Add(string queue)
    {
        if (_queues.Contains(queue, StringComparer.Ordinal)) return false;
        _queues.Add(queue);
        if (_strategy == QueueOrderStrategy.Sorted) _queues.Sort(StringComparer.Ordinal);
        return true;
    }

    /// <summary>Removes a queue (the <c>cancel_consumer</c> command); false when it was not there.</summary>
    public bool Remove(string queue) => _queues.Remove(queue);

    /// <summary>After a pop from <paramref name="queue"/>: round robin moves it to the end; the others keep their order.</summary>
    public void Rotate(string queue)
    {
        if (!Rotates) return;
        var at = _queues.IndexOf(queue);
        if (at < 0 || at == _queues.Count - 1) return;
        _queues.RemoveAt(at);
        _queues.Add(queue);
    }
}
