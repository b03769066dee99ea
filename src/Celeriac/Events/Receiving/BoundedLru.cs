namespace Celeriac.Events;

/// <summary>
/// A map holding at most <c>capacity</c> entries; touching an entry makes it the newest and adding
/// past the capacity evicts the oldest (what Celery's <c>LRUCache</c> does for the cluster state).
/// Not thread-safe; <see cref="ClusterState"/> locks around it.
/// </summary>
internal sealed class BoundedLru<TValue>(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, TValue Value)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, TValue Value)> _order = new();

    public int Count => _map.Count;

    /// <summary>Returns the entry, made newest, or adds the one <paramref name="create"/> makes.</summary>
    public TValue GetOrAdd(string key, Func<string, TValue> create)
    {
        if (_map.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddLast(node);
            return node.Value.Value;
        }
        var value = create(key);
        _map[key] = _order.AddLast((key, value));
        while (_map.Count > capacity && _order.First is { } oldest)
        {
            _order.RemoveFirst();
            _map.Remove(oldest.Value.Key);
        }
        return value;
    }

    public bool TryGet(string key, out TValue value)
    {
        if (_map.TryGetValue(key, out var node))
        {
            value = node.Value.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>The values, oldest first.</summary>
    public IEnumerable<TValue> Values => _order.Select(n => n.Value);
}
