namespace Celeriac.CommandLine.Output;

/// <summary>How a command's reply from each worker is drawn as a table (see <see cref="ReplyTables"/>).</summary>
internal enum ReplyShape
{
    /// <summary><c>{"ok": …}</c> or <c>{"error": …}</c>: one row per node (ping and the control commands).</summary>
    Status,
    /// <summary>A list of task requests (active, reserved).</summary>
    Requests,
    /// <summary>A list of <c>{eta, priority, request}</c> (scheduled).</summary>
    Scheduled,
    /// <summary>A list of strings (revoked ids, registered names).</summary>
    Strings,
    /// <summary>An object of settings or statistics: one row per key (stats, conf).</summary>
    Object,
    /// <summary><c>{task id: [state, request]}</c> (query_task).</summary>
    TaskStates,
    /// <summary><c>{"ok": "text"}</c> printed as text (report).</summary>
    Text,
    /// <summary>A list of queue declarations (active_queues).</summary>
    Queues,
    /// <summary><c>{"clock": n}</c>: one row per node.</summary>
    Clock,
}
