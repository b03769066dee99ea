using System.Collections.Concurrent;
using Celeriac.Protocol.Messages;

namespace Celeriac.Memory;

/// <summary>
/// The embedded broker behind <c>memory://name</c>: named queues in this process, shared by every
/// app that uses the same name (<c>memory://</c> is the default one), safe across threads.
/// Like kombu's memory transport it is FIFO and ignores priority.
/// </summary>
internal sealed class InMemoryBroker
{
    private static readonly ConcurrentDictionary<string, InMemoryBroker> Brokers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InMemoryQueue> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StoredMessage> _deadLetters = new();
    private readonly ConcurrentDictionary<string, InMemoryExchange> _exchanges = new(StringComparer.Ordinal);

    /// <summary>The broker for a name (the host part of <c>memory://name</c>; empty for <c>memory://</c>).</summary>
    public static InMemoryBroker Named(string name) => Brokers.GetOrAdd(name, _ => new InMemoryBroker());

    /// <summary>A transport on this broker.</summary>
    public InMemoryTransport CreateTransport() => new(this);

    /// <summary>Messages rejected without requeue, oldest first (kept so tests and tools can see them).</summary>
    public IReadOnlyCollection<StoredMessage> DeadLetters => _deadLetters.ToArray();

    /// <summary>Number of waiting messages in a queue.</summary>
    public int Depth(string queue) => _queues.TryGetValue(queue, out var q) ? q.Count : 0;

    /// <summary>Pushes an envelope-free message straight into a queue (used to inject raw test input).</summary>
    public void Enqueue(string queue, StoredMessage message) => Queue(queue).Enqueue(message, front: false);

    /// <summary>
    /// The fanout bindings of an exchange (binding key and queue of each live subscription), as
    /// Redis keeps them in <c>_kombu.binding.&lt;exchange&gt;</c>.
    /// </summary>
    public IReadOnlyList<(string BindingKey, string Queue)> BroadcastBindings(string exchange) =>
        _exchanges.TryGetValue(exchange, out var e) ? e.Subscriptions.Select(s => (s.BindingKey, s.Queue)).ToList() : [];

    /// <summary>Revokes kept for every app and worker on this broker (docs/architecture.md, "Revokes that hold").</summary>
    internal Revocation.InMemoryRevokeStore Revokes { get; } = new();

    internal InMemoryExchange Exchange(string name) => _exchanges.GetOrAdd(name, n => new InMemoryExchange(n));

    internal InMemoryQueue Queue(string name) => _queues.GetOrAdd(name, n => new InMemoryQueue(n));

    internal void DeadLetter(StoredMessage message) => _deadLetters.Enqueue(message);

    internal IEnumerable<InMemoryQueue> Route(DeliveryInfo route)
    {
        // Anonymous exchange: the routing key is the queue (docs/protocol.md §2.2). A named exchange routes
        // directly to the same-named queues Celery declares (exchange = queue = routing key).
        if (route.Exchange.Length == 0) return [Queue(route.RoutingKey)];
        return _queues.TryGetValue(route.RoutingKey, out var q) ? [q] : [Queue(route.Exchange)];
    }
}
