using System.Collections;

namespace Celeriac.Samples.Tests.WebShopTests;

/// <summary>
/// What an OpenTelemetry in-memory exporter writes into: the exporters add from the hosts' threads
/// while a test reads, so every access takes the lock and reads get a copy.
/// </summary>
public sealed class LockedList<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public int Count { get { lock (_items) return _items.Count; } }

    public bool IsReadOnly => false;

    public void Add(T item) { lock (_items) _items.Add(item); }

    public void Clear() { lock (_items) _items.Clear(); }

    public bool Contains(T item) { lock (_items) return _items.Contains(item); }

    public void CopyTo(T[] array, int arrayIndex) { lock (_items) _items.CopyTo(array, arrayIndex); }

    public bool Remove(T item) { lock (_items) return _items.Remove(item); }

    /// <summary>A copy of the items now.</summary>
    public List<T> Snapshot() { lock (_items) return [.. _items]; }

    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
