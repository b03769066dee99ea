namespace Celeriac.Dashboard.Store;

/// <summary>One dashboard action as the audit log keeps it: who did what to what, when, and how it went.</summary>
/// <param name="At">When the action was asked for.</param>
/// <param name="User">The signed-in user's name, or <c>anonymous</c>.</param>
/// <param name="Remote">The client's address, when known.</param>
/// <param name="Action">What was asked, <c>area.verb</c> (e.g. <c>task.revoke</c>).</param>
/// <param name="Target">What it was asked of (a task id, a worker's hostname, a queue), when anything.</param>
/// <param name="Detail">The request's parameters as JSON text, when any.</param>
/// <param name="Outcome"><c>ok</c>, <c>refused</c> or <c>error: …</c>.</param>
public sealed record AuditEntry(DateTimeOffset At, string User, string? Remote, string Action, string? Target, string? Detail, string Outcome);
