namespace Celeriac.Protocol.Messages;

/// <summary>
/// Where a message was published: the exchange (<c>""</c> for Celery's direct-to-queue default) and
/// the routing key (the queue name in that case). Kombu's Redis envelope carries it as
/// <c>properties.delivery_info</c> and needs both keys (docs/protocol.md §1.1).
/// </summary>
/// <param name="Exchange">Exchange name; empty for the anonymous exchange.</param>
/// <param name="RoutingKey">Routing key; the destination queue for the anonymous exchange.</param>
internal readonly record struct DeliveryInfo(string Exchange, string RoutingKey)
{
    /// <summary>The route Celery uses for a task sent to <paramref name="queue"/>: exchange <c>""</c>, key = queue.</summary>
    public static DeliveryInfo ToQueue(string queue) => new("", queue);
}
