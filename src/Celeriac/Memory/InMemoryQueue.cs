namespace Celeriac.Memory;

/// <summary>A FIFO queue with waiters that are woken when a message arrives.</summary>
internal sealed class InMemoryQueue(string name)
{
    private readonly object _lock = new();
    private readonly LinkedList<StoredMessage> _items = new();
    private List<TaskCompletionSource>? _waiters;

    public string Name { get; } = name;

    public int Count
    {
        get { lock (_lock) return _items.Count; }
    }

    public void Enqueue(StoredMessage message, bool front)
    {
        List<TaskCompletionSource>? wake;
        lock (_lock)
        {
            if (front) _items.AddFirst(message);
            else _items.AddLast(message);
            wake = _waiters;
            _waiters = null;
        }
        if (wake is null) return;
        foreach (var waiter in wake) waiter.TrySetResult();
    }

    public int TakeInto(List<(string Queue, StoredMessage Message)> into, int max)
    {
        lock (_lock)
        {
            var taken = 0;
            while (taken < max && _items.First is { } first)
            {
                _items.RemoveFirst();
                into.Add((Name, first.Value));
                taken++;
            }
            return taken;
        }
    }

    /// <summary>Registers a waiter unless the queue already has messages (then returns false).</summary>
    public bool AddWaiter(TaskCompletionSource waiter)
    {
        lock (_lock)
        {
            if (_items.Count > 0) return false;
            (_waiters ??= []).Add(waiter);
            return true;
        }
    }

    /// <summary>Drops a waiter that stopped waiting (woken by another queue, or cancelled).</summary>
    public void RemoveWaiter(TaskCompletionSource waiter)
    {
        lock (_lock) _waiters?.Remove(waiter);
    }

    /// <summary>Number of registered waiters (for tests).</summary>
    internal int WaiterCount
    {
        get { lock (_lock) return _waiters?.Count ?? 0; }
    }

    public long Purge()
    {
        lock (_lock)
        {
            var n = _items.Count;
            _items.Clear();
            return n;
        }
    }
}
