namespace Celeriac.Worker;

/// <content>Events the worker sends (docs/protocol.md §6): worker-online/heartbeat/offline and, when on, task events.</content>
public sealed partial class CeleriacWorker
{
    /// <summary>Whether task events (the <c>task</c> group) are being sent now.</summary>
    internal bool TaskEventsEnabled => false;

    /// <summary>Turns task events on or off (the <c>enable_events</c>/<c>disable_events</c> commands); false when already so.</summary>
    internal bool SetTaskEvents(bool enabled) => throw new NotImplementedException();

    /// <summary>Sends a <c>worker-heartbeat</c> now, in the shape the <c>heartbeat</c> command asks for (docs/protocol.md §6.4).</summary>
    internal void SendRequestedHeartbeat() => throw new NotImplementedException();

    /// <summary>Sends <c>task-revoked</c> for a request (when task events are on).</summary>
    internal void TaskRevokedEvent(TaskRequest request, bool terminated, bool expired, int? signum)
    {
    }

    /// <summary>Starts the event dispatcher and sends <c>worker-online</c>; called once the worker consumes.</summary>
    private Task StartEventsAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends <c>worker-offline</c> and flushes what is buffered; called at the end of a clean stop.</summary>
    private Task StopEventsAsync() => Task.CompletedTask;
}
