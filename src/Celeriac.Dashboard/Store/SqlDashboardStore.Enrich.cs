namespace Celeriac.Dashboard.Store;

public abstract partial class SqlDashboardStore
{
    /// <inheritdoc />
    public virtual async Task EnrichAsync(IReadOnlyList<TaskEnrichment> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0) return;
        static string Fill(string c, int p) => $"{c} = COALESCE({c}, @p{p})";
        static string Longer(string c, int p) => $"{c} = CASE WHEN @p{p} IS NOT NULL AND (({c}) IS NULL OR LENGTH({c}) < LENGTH(@p{p})) THEN @p{p} ELSE {c} END";
        var sql = "UPDATE tasks SET " + string.Join(", ",
            Fill("group_id", 1), Fill("parent_id", 2), Fill("queue", 3), Fill("name", 4), Longer("args", 5), Longer("kwargs", 6), Longer("result", 7),
            // billiard's placeholder for an exception it could not pickle says nothing; the backend's does.
            "exception = CASE WHEN @p8 IS NOT NULL AND (exception IS NULL OR exception LIKE 'ExceptionWithTraceback(%') THEN @p8 ELSE exception END") +
            " WHERE id = @p0";
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, tx, sql, 9))
        {
            // Typed, so PostgreSQL can tell LENGTH(NULL) of text from any other LENGTH.
            foreach (System.Data.Common.DbParameter p in command.Parameters) p.DbType = System.Data.DbType.String;
            foreach (var t in tasks)
            {
                object?[] values = [t.TaskId, t.GroupId, t.ParentId, t.Queue, t.Name, Cut(t.Args), Cut(t.Kwargs), Cut(t.Result), Cut(t.Exception)];
                for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
