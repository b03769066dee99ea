namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// What a delivery needs to be settled: the subscription it came from (its channel incarnation, so
/// one from a lost channel is never acked on a new one, and its unacked count) and its delivery tag.
/// </summary>
/// <param name="Subscription">The <c>basic.consume</c> it came from.</param>
/// <param name="Tag">The delivery tag on that subscription's channel.</param>
internal sealed record RabbitMqDeliveryState(ConsumerSubscription Subscription, ulong Tag)
{
    /// <summary>The channel incarnation the delivery came on.</summary>
    public ConsumerLink Link => Subscription.Link;
}
