using System.Globalization;
using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Security;

/// <summary>
/// The audit log of dashboard actions. Interim: kept in memory until the store's audit table lands
/// (h-ingest: <c>IDashboardStore.WriteAuditAsync</c>/<c>QueryAuditAsync</c>), then it writes through the store.
/// </summary>
internal sealed class AuditLog
{
    private readonly List<AuditEntry> _entries = [];

    public Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_entries) _entries.Add(entry);
        return Task.CompletedTask;
    }

    public Task<AuditPage> QueryAsync(int limit, string? cursor, CancellationToken cancellationToken = default)
    {
        lock (_entries)
        {
            var end = cursor is null ? _entries.Count : int.Parse(cursor, CultureInfo.InvariantCulture);
            var start = Math.Max(0, end - limit);
            var page = _entries.GetRange(start, end - start);
            page.Reverse();
            return Task.FromResult(new AuditPage(page, start > 0 ? start.ToString(CultureInfo.InvariantCulture) : null));
        }
    }
}
