using Celeriac.Protocol.Messages;

namespace Celeriac.Transport;

/// <summary>A message received by a fanout subscription, with the exchange and routing key it was published to.</summary>
/// <param name="Exchange">Exchange name.</param>
/// <param name="RoutingKey">Routing key (e.g. <c>task.succeeded</c>).</param>
/// <param name="Message">The message; null when it could not be read (see <paramref name="Malformed"/>).</param>
/// <param name="Malformed">Why the message could not be read, or null.</param>
internal sealed record BroadcastMessage(string Exchange, string RoutingKey, BrokerMessage? Message, InvalidMessageException? Malformed = null);
