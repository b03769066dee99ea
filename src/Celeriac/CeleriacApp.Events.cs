using Celeriac.Events;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac;

/// <content>The client's events: <c>task-sent</c> when <see cref="CeleriacOptions.TaskSendSentEvent"/> is on (docs/protocol.md §6.3).</content>
public sealed partial class CeleriacApp
{
    private readonly object _clientEventsLock = new();
    private EventDispatcher? _clientEvents;

    /// <summary>
    /// Queues <c>task-sent</c> for a message just published, from this process's anonymous node
    /// <c>gen&lt;pid&gt;@&lt;host&gt;</c> as Python's client does. The send does not wait for it:
    /// the app's own dispatcher publishes it, and a broker that refuses it never fails the send.
    /// </summary>
    internal void TaskSentEvent(TaskMessage message, DeliveryInfo route)
    {
        if (ClientEvents() is not { } events) return;
        // Python names the routed queue; a route through an exchange is known here only by its routing key.
        events.Send("task-sent", TaskEventFields.Sent(message, route.RoutingKey, route.Exchange, route.RoutingKey));
    }

    private EventDispatcher? ClientEvents()
    {
        if (Volatile.Read(ref _clientEvents) is { } events) return events;
        if (Transport is not IBroadcast broadcast) return null;
        lock (_clientEventsLock)
        {
            return _clientEvents ??= new EventDispatcher(broadcast, TaskPublisher.Origin, Clock, Options.TimeProvider,
                Options.LoggerFactory.CreateLogger("Celeriac.Events"), batchTaskEvents: false);
        }
    }

    /// <summary>Publishes the <c>task-sent</c> events still queued (for at most a second), then stops their dispatcher.</summary>
    private async ValueTask StopClientEventsAsync()
    {
        EventDispatcher? events;
        lock (_clientEventsLock) events = _clientEvents;
        if (events is not null) await events.DisposeAsync().ConfigureAwait(false);
    }
}
