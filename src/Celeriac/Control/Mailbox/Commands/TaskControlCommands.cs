namespace Celeriac.Control.Mailbox.Commands;

/// <summary>
/// Control commands on tasks, carried out by the worker's revocation and limits
/// (docs/protocol.md §5.7–5.9): <c>revoke</c> (with <c>terminate</c>), <c>terminate</c>, <c>rate_limit</c>,
/// <c>time_limit</c>. The worker writes the reply texts.
/// </summary>
internal static class TaskControlCommands
{
    public static IEnumerable<ControlCommand> All =>
    [
        new ControlCommand("revoke", (c, a, ct) => c.Worker.RevokeCommandAsync(a.Values, a.Bool("terminate"), ct)),
        new ControlCommand("terminate", (c, a, ct) => c.Worker.RevokeCommandAsync(a.Values, terminate: true, ct)),
        ControlCommand.Sync("rate_limit", (c, a) => c.Worker.RateLimitCommand(a.Values)),
        ControlCommand.Sync("time_limit", (c, a) => c.Worker.TimeLimitCommand(a.Values)),
    ];
}
