using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// What a delivery needs to be settled: the channel it came on (a delivery tag means nothing on
/// another channel) and the connection generation, so one from a lost connection is never acked on
/// a new one.
/// </summary>
/// <param name="Channel">The channel of the delivery.</param>
/// <param name="Generation">The connection generation the channel belongs to.</param>
/// <param name="Tag">The delivery tag on that channel.</param>
internal sealed record RabbitMqDeliveryState(IChannel Channel, long Generation, ulong Tag);
