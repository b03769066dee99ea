namespace Celeriac.Dashboard.Store;

/// <summary>One page of the audit log, newest first.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="NextCursor">Pass to <see cref="IDashboardStore.QueryAuditAsync"/> for the next (older) page; null on the last.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, string? NextCursor);
