namespace Celeriac.Transport;

/// <summary>One settlement in a batch given to <see cref="ITransportConsumer.SettleAsync"/>.</summary>
/// <param name="Delivery">The delivery to settle.</param>
/// <param name="Action">What happens to its message.</param>
internal readonly record struct Settlement(TransportDelivery Delivery, SettleAction Action);
