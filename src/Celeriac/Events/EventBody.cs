using System.Text.Json;

namespace Celeriac.Events;

/// <summary>
/// The fields of an event written straight to the wire by the dispatcher's loop: the hot task events
/// keep what they need (the message, the result) and do their formatting there, so a running task
/// only allocates this object.
/// </summary>
internal abstract class EventBody
{
    /// <summary>Writes the type's fields, in Celery's order, into the event object being written.</summary>
    public abstract void WriteFields(Utf8JsonWriter writer);
}
