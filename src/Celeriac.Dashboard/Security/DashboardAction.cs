namespace Celeriac.Dashboard.Security;

/// <summary>
/// Marks an endpoint as an action (it changes something: revokes, retries, purges, pauses): read-only mode
/// refuses it, it needs the cross-site token, and every call is audited under <see cref="Name"/>.
/// </summary>
/// <param name="Name">The audit log's action name, <c>area.verb</c> (e.g. <c>task.revoke</c>, <c>queue.purge</c>).</param>
internal sealed record DashboardAction(string Name);
