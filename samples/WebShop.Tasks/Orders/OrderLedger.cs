using System.Collections.Concurrent;

namespace WebShop.Tasks.Orders;

/// <summary>
/// The shop's "database": what happened to each order, in order. A singleton standing in for a real
/// store; tasks write to it only through a scoped <see cref="OrderUnitOfWork"/>.
/// </summary>
public sealed class OrderLedger
{
    private readonly ConcurrentDictionary<string, List<string>> _events = new();
    private int _unitsOpened;
    private int _unitsDisposed;

    /// <summary>Units of work created so far (one per task run that asked for one).</summary>
    public int UnitsOpened => Volatile.Read(ref _unitsOpened);

    /// <summary>Units of work disposed so far: equal to <see cref="UnitsOpened"/> once no task runs.</summary>
    public int UnitsDisposed => Volatile.Read(ref _unitsDisposed);

    /// <summary>The committed events of <paramref name="orderId"/>, oldest first.</summary>
    public IReadOnlyList<string> EventsOf(string orderId)
    {
        if (!_events.TryGetValue(orderId, out var events)) return [];
        lock (events) return [.. events];
    }

    internal void Commit(IEnumerable<(string OrderId, string Event)> changes)
    {
        foreach (var (orderId, what) in changes)
        {
            var events = _events.GetOrAdd(orderId, _ => []);
            lock (events) events.Add(what);
        }
    }

    internal void Opened() => Interlocked.Increment(ref _unitsOpened);

    internal void Disposed() => Interlocked.Increment(ref _unitsDisposed);
}
