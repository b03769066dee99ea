using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Memory;

/// <summary>A fanout exchange of the in-memory broker: its live subscriptions and their binding keys.</summary>
internal sealed class InMemoryExchange(string name)
{
    private readonly Lock _lock = new();
    private InMemoryBroadcastSubscription[] _subscriptions = [];

    public string Name { get; } = name;

    public IReadOnlyList<InMemoryBroadcastSubscription> Subscriptions
    {
        get { lock (_lock) return _subscriptions; }
    }

    public InMemoryBroadcastSubscription Subscribe(string bindingKey, string queue)
    {
        var subscription = new InMemoryBroadcastSubscription(this, bindingKey, queue);
        lock (_lock) _subscriptions = [.. _subscriptions, subscription];
        return subscription;
    }

    public void Unsubscribe(InMemoryBroadcastSubscription subscription)
    {
        lock (_lock) _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
    }

    public void Publish(string routingKey, BrokerMessage message)
    {
        // Copy-on-write array: publishing never holds the lock while writing to subscribers.
        foreach (var subscription in Subscriptions)
        {
            if (!TopicMatcher.Matches(subscription.BindingKey, routingKey)) continue;
            // Each subscriber gets its own copy, as it would across a real broker.
            subscription.Deliver(new BroadcastMessage(Name, routingKey, InMemoryTransport.Copy(message)));
        }
    }
}
