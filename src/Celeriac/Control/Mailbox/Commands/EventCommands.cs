namespace Celeriac.Control.Mailbox.Commands;

/// <summary><c>enable_events</c>, <c>disable_events</c> (the <c>task</c> event group, docs/protocol.md §6.1) and <c>heartbeat</c>.</summary>
internal static class EventCommands
{
    public static IEnumerable<ControlCommand> All =>
    [
        ControlCommand.Sync("enable_events", (c, _) =>
            ControlCommand.Ok(c.Worker.SetTaskEvents(true) ? "task events enabled" : "task events already enabled")),
        ControlCommand.Sync("disable_events", (c, _) =>
            ControlCommand.Ok(c.Worker.SetTaskEvents(false) ? "task events disabled" : "task events already disabled")),
        // Celery's handler sends the heartbeat and returns None: the reply is null.
        ControlCommand.Sync("heartbeat", (c, _) =>
        {
            c.Worker.SendRequestedHeartbeat();
            return null;
        }),
    ];
}
