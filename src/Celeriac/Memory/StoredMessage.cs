using Celeriac.Protocol.Messages;

namespace Celeriac.Memory;

/// <summary>A message as the in-memory broker holds it: the message, its route and its delivery tag.</summary>
/// <param name="Message">The message, or null for a malformed one injected by a test.</param>
/// <param name="Route">Exchange and routing key it was published with.</param>
/// <param name="DeliveryTag">Fresh per publish.</param>
/// <param name="Redelivered">True once it was given back to the queue after a delivery.</param>
/// <param name="Malformed">Why the message cannot be read, for injected bad input.</param>
internal sealed record StoredMessage(BrokerMessage? Message, DeliveryInfo Route, string DeliveryTag, bool Redelivered = false, InvalidMessageException? Malformed = null);
