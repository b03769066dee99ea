using System.Text.Json.Nodes;
using Celeriac.Events;
using Celeriac.Protocol.Json;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>Events the worker sends (docs/protocol.md §6): worker-online/heartbeat/offline and, when on, task events.</content>
public sealed partial class CeleriacWorker
{
    /// <summary>The longest a stop waits for buffered events (and worker-offline) to reach the broker.</summary>
    private static readonly TimeSpan EventFlushTimeout = TimeSpan.FromSeconds(5);

    private EventDispatcher? _events;
    private ClockAlarm? _heartbeat;
    // 0: as WorkerOptions.SendTaskEvents says; 1: turned on; 2: turned off (enable_events/disable_events).
    private int _taskEventsSwitch;

    /// <summary>Whether task events (the <c>task</c> group) are being sent now.</summary>
    internal bool TaskEventsEnabled => Options.SendEvents && (Volatile.Read(ref _taskEventsSwitch) switch { 1 => true, 2 => false, _ => Options.SendTaskEvents });

    /// <summary>The dispatcher when task events are on, else null: <c>TaskEvents?.Send(…)</c> builds no fields when they are off.</summary>
    private EventDispatcher? TaskEvents => TaskEventsEnabled ? _events : null;

    /// <summary>Events dropped because the broker could not take them (0 when events are off).</summary>
    internal long EventsDropped => _events?.Dropped ?? 0;

    /// <summary>
    /// Turns task events on or off (the <c>enable_events</c>/<c>disable_events</c> commands); false when
    /// already so, or when <see cref="WorkerOptions.SendEvents"/> has turned all events off.
    /// </summary>
    internal bool SetTaskEvents(bool enabled)
    {
        if (!Options.SendEvents || TaskEventsEnabled == enabled) return false;
        Volatile.Write(ref _taskEventsSwitch, enabled ? 1 : 2);
        _log.LogInformation("Events of group {{task}} {State} by remote", enabled ? "enabled" : "disabled");
        return true;
    }

    /// <summary>Sends a <c>worker-heartbeat</c> now, in the shape the <c>heartbeat</c> command asks for (docs/protocol.md §6.4).</summary>
    internal void SendRequestedHeartbeat() =>
        _events?.Send("worker-heartbeat", WorkerInfo.AddSoftware(new JsonObject { ["freq"] = 5 }));

    /// <summary>Sends <c>task-revoked</c> for a request (when task events are on).</summary>
    internal void TaskRevokedEvent(TaskRequest request, bool terminated, bool expired, int? signum) =>
        TaskEvents?.Send("task-revoked", TaskEventFields.Revoked(request.Message.Id, terminated, signum, expired));

    /// <summary>Starts the event dispatcher and sends <c>worker-online</c>; called once the worker consumes.</summary>
    private Task StartEventsAsync(CancellationToken cancellationToken)
    {
        if (!Options.SendEvents) return Task.CompletedTask;
        if (_app.Transport is not IBroadcast broadcast)
        {
            _log.LogInformation("The broker of {Hostname} has no fanout: no events are sent", Hostname);
            return Task.CompletedTask;
        }
        var time = _app.Options.TimeProvider;
        _events = new EventDispatcher(broadcast, Hostname, _app.Clock, time, _app.Options.LoggerFactory.CreateLogger("Celeriac.Events"));
        SendWorkerEvent("worker-online");
        _heartbeat = new ClockAlarm(time, Heartbeat, _log);
        _heartbeat.SetAfter(Options.HeartbeatInterval);
        return Task.CompletedTask;
    }

    /// <summary>Sends <c>worker-offline</c> and flushes what is buffered; called at the end of a clean stop.</summary>
    private async Task StopEventsAsync()
    {
        if (_events is not { } events) return;
        _heartbeat?.Dispose();
        SendWorkerEvent("worker-offline");
        await events.StopAsync(EventFlushTimeout).ConfigureAwait(false);
    }

    // Celery's Heart: the next beat is set when this one has gone into the buffer (call_repeatedly).
    private void Heartbeat()
    {
        SendWorkerEvent("worker-heartbeat");
        HeartbeatSent();
        _heartbeat?.SetAfter(Options.HeartbeatInterval);
    }

    private void SendWorkerEvent(string type) => _events?.Send(type, WorkerInfo.AddSoftware(new JsonObject
    {
        ["freq"] = CeleryJson.PythonFloat(Options.HeartbeatInterval.TotalSeconds),
        ["active"] = Active,
        ["processed"] = _requests.Accepted, // as Celery: tasks accepted (started), not finished
        ["loadavg"] = WorkerInfo.LoadAverage(),
    }));

    /// <summary><c>task-failed</c> for a task this worker does not know: only the id and <c>NotRegistered('name')</c>.</summary>
    private void UnknownTaskEvent(string id, string name) =>
        TaskEvents?.Send("task-failed", TaskEventFields.Failed(id, $"NotRegistered({PythonRepr.FormatString(name)})", null, withTraceback: false));

    /// <summary>
    /// The event that tells how a run ended; none for ignored runs (Celery sends none either). A run
    /// lost to shutdown or to a fault of the worker's own comes here as the failure it is recorded as.
    /// </summary>
    private void OutcomeEvent(Protocol.Messages.TaskMessage message, TaskOutcome outcome)
    {
        if (TaskEvents is not { } events) return;
        switch (outcome.Kind)
        {
            case OutcomeKind.Succeeded:
                events.Send("task-succeeded", TaskEventBodies.Succeeded(message.Id, outcome.Value, outcome.Runtime));
                break;
            case OutcomeKind.Failed:
                events.Send("task-failed", TaskEventFields.Failed(message.Id, outcome.Error, outcome.Traceback));
                break;
            case OutcomeKind.Retried:
                events.Send("task-retried", TaskEventFields.Retried(message.Id, outcome.Error, outcome.Traceback));
                break;
            case OutcomeKind.Rejected:
                events.Send("task-rejected", TaskEventFields.Rejected(message.Id, outcome.Requeue));
                break;
        }
    }
}
