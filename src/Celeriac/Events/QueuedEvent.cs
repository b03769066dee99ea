using System.Text.Json.Nodes;

namespace Celeriac.Events;

/// <summary>
/// An event stamped and waiting in the dispatcher: the common fields of docs/protocol.md §6.2 that vary
/// (the sender's node and pid are the dispatcher's), and the type's fields either as JSON or as an
/// <see cref="EventBody"/> that writes them when the event is serialized, off the task's path.
/// </summary>
internal sealed record QueuedEvent(string Type, double Timestamp, int UtcOffset, long Clock, JsonObject? Fields, EventBody? Body);
