using System.Globalization;

namespace Celeriac.Dashboard.Store;

public abstract partial class SqlDashboardStore
{
    /// <inheritdoc />
    public async Task WriteAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "INSERT INTO audit (at, username, remote, action, target, detail, outcome) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)", 7);
        object?[] values = [TaskRow.Unix(entry.At), entry.User, entry.Remote, entry.Action, entry.Target, Cut(entry.Detail), entry.Outcome];
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<AuditPage> QueryAuditAsync(int limit = 50, string? cursor = null, CancellationToken cancellationToken = default)
    {
        limit = Math.Clamp(limit, 1, 1000);
        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                throw new ArgumentException("The cursor is not one this store returned.", nameof(cursor));
            before = seq;
        }
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT seq, at, username, remote, action, target, detail, outcome FROM audit" +
            (before is null ? "" : " WHERE seq < @p0") + $" ORDER BY seq DESC LIMIT {limit + 1}", before is null ? 0 : 1);
        if (before is { } b) command.Parameters[0].Value = b;
        var entries = new List<AuditEntry>(limit + 1);
        var seqs = new List<long>(limit + 1);
        await using (var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                seqs.Add(r.GetInt64(0));
                entries.Add(new AuditEntry(TaskRow.FromUnix(r.GetDouble(1)), r.GetString(2), Text(r, 3), r.GetString(4), Text(r, 5), Text(r, 6), r.GetString(7)));
            }
        }
        if (entries.Count <= limit) return new AuditPage(entries, null);
        entries.RemoveAt(limit);
        return new AuditPage(entries, seqs[limit - 1].ToString(CultureInfo.InvariantCulture));
    }

    private string? Cut(string? value) => value is null || value.Length <= Options.MaxPayloadLength ? value : value[..Options.MaxPayloadLength];
}
