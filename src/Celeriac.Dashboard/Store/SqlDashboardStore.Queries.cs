using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Celeriac.Dashboard.Store;

public abstract partial class SqlDashboardStore
{
    private const string TaskSelect =
        "SELECT seq, id, name, state, first_seen, updated_at, worker, queue, root_id, parent_id, group_id, args, kwargs, " +
        "result, exception, traceback, runtime, retries, eta, expires, received_at, started_at, finished_at, sent_at FROM tasks";

    /// <inheritdoc />
    public async Task<TaskPage> QueryTasksAsync(TaskQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var where = new List<string>();
        var args = new List<(string, object)>();
        void Equal(string column, string? value)
        {
            if (value is null) return;
            where.Add($"{column} = @{column}");
            args.Add(($"@{column}", value));
        }
        Equal("name", query.Name);
        Equal("state", query.State);
        Equal("worker", query.Worker);
        Equal("queue", query.Queue);
        Equal("id", query.Id);
        Equal("root_id", query.RootId);
        Equal("group_id", query.GroupId);
        if (query.From is { } from) { where.Add("first_seen >= @from"); args.Add(("@from", TaskRow.Unix(from))); }
        if (query.To is { } to) { where.Add("first_seen < @to"); args.Add(("@to", TaskRow.Unix(to))); }
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var key = SortKey(query.Sort);
        var seqKey = "seq";
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = TextArgument(query.Text);
            var (predicate, hideSortIndex) = await TextFilterAsync(connection, text, cancellationToken).ConfigureAwait(false);
            where.Add(predicate);
            args.Add(("@text", text));
            // Same values, but an expression no index holds, so the planner cannot walk the index.
            if (hideSortIndex) (key, seqKey) = (query.Sort == TaskSort.Name ? $"({key} || '')" : $"({key} + 0)", "(seq + 0)");
        }

        var op = query.Ascending ? ">" : "<";
        if (query.Cursor is not null)
        {
            var (value, seq) = DecodeCursor(query.Cursor, query.Sort);
            where.Add($"({key}, {seqKey}) {op} (@ck, @cs)");
            args.Add(("@ck", value));
            args.Add(("@cs", seq));
        }
        var dir = query.Ascending ? "ASC" : "DESC";
        var sql = new StringBuilder(TaskSelect.Replace(" FROM tasks", $", {key} FROM tasks", StringComparison.Ordinal));
        if (where.Count > 0) sql.Append(" WHERE ").AppendJoin(" AND ", where);
        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY {key} {dir}, {seqKey} {dir} LIMIT {limit + 1}");

        await using var command = Command(connection, null, sql.ToString(), 0);
        foreach (var (name, value) in args) Add(command, name, value);
        var tasks = new List<TaskRecord>(limit + 1);
        var keys = new List<(long Seq, object Key)>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add((reader.GetInt64(0), reader.GetValue(24)));
                tasks.Add(ReadTask(reader));
            }
        }
        if (tasks.Count <= limit) return new TaskPage(tasks, null);
        tasks.RemoveAt(limit);
        var (lastSeq, lastKey) = keys[limit - 1];
        return new TaskPage(tasks, EncodeCursor(lastKey, lastSeq));
    }

    /// <inheritdoc />
    public async Task<TaskDetail?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        TaskRecord? task = null;
        await using (var command = Command(connection, null, TaskSelect + " WHERE id = @p0", 1))
        {
            command.Parameters[0].Value = taskId;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) task = ReadTask(reader);
        }
        if (task is null) return null;
        var timeline = new List<TaskTimelineEntry>();
        await using (var command = Command(connection, null, "SELECT state, ts, worker FROM task_events WHERE task_id = @p0 ORDER BY ts, seq", 1))
        {
            command.Parameters[0].Value = taskId;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                timeline.Add(new TaskTimelineEntry(reader.GetString(0), TaskRow.FromUnix(reader.GetDouble(1)), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }
        return new TaskDetail(task, timeline);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TaskRecord>> GetWorkflowAsync(string rootId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rootId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, TaskSelect + " WHERE root_id = @p0 OR id = @p0 ORDER BY first_seen, seq", 1);
        command.Parameters[0].Value = rootId;
        var tasks = new List<TaskRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) tasks.Add(ReadTask(reader));
        return tasks;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkerRecord>> GetWorkersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT hostname, last_heartbeat, offline_since, sw_ident, sw_ver, sw_sys, freq, active, processed, loadavg FROM workers ORDER BY hostname", 0);
        var now = TaskRow.Unix(Options.TimeProvider.GetUtcNow());
        var retention = Options.OfflineWorkerRetention.TotalSeconds;
        var workers = new List<WorkerRecord>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var last = r.GetDouble(1);
            double? freq = r.IsDBNull(6) ? null : r.GetDouble(6);
            var offlineSince = OfflineSince(last, r.IsDBNull(2) ? null : r.GetDouble(2), freq, now);
            if (offlineSince is { } since && now - since > retention) continue;
            workers.Add(new WorkerRecord
            {
                Hostname = r.GetString(0),
                Online = offlineSince is null,
                OfflineSince = offlineSince is { } s ? TaskRow.FromUnix(s) : null,
                LastHeartbeat = TaskRow.FromUnix(last),
                SoftwareIdent = Text(r, 3),
                SoftwareVersion = Text(r, 4),
                SoftwareSystem = Text(r, 5),
                Frequency = freq,
                Active = r.IsDBNull(7) ? null : Convert.ToInt32(r.GetValue(7), CultureInfo.InvariantCulture),
                Processed = r.IsDBNull(8) ? null : Convert.ToInt64(r.GetValue(8), CultureInfo.InvariantCulture),
                LoadAverage = Text(r, 9),
            });
        }
        return [.. workers.OrderBy(w => w.Online ? 0 : 1).ThenBy(w => w.Hostname, StringComparer.Ordinal)];
    }

    /// <summary>Celery's <c>HEARTBEAT_EXPIRE_WINDOW</c>: a worker is gone once silent for twice its heartbeat interval.</summary>
    private const double HeartbeatExpiry = 2;

    /// <summary>Celery's default heartbeat interval, for a worker that never said its own.</summary>
    private const double DefaultFrequency = 60;

    /// <summary>When a worker went offline (its worker-offline, else its heartbeat's expiry once past), or null while online.</summary>
    private static double? OfflineSince(double lastEvent, double? offlineEvent, double? freq, double now)
    {
        if (offlineEvent is { } off) return off;
        var expires = lastEvent + HeartbeatExpiry * (freq is > 0 ? freq.Value : DefaultFrequency);
        return now >= expires ? expires : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MinuteRollup>> GetRollupsAsync(DateTimeOffset from, DateTimeOffset to, string? taskName = null, string? queue = null, CancellationToken cancellationToken = default)
    {
        var buckets = RuntimeBuckets.UpperBounds.Count;
        var sql = new StringBuilder($"SELECT {string.Join(", ", RollupColumns)} FROM task_rollups WHERE minute >= @p0 AND minute < @p1");
        if (taskName is not null) sql.Append(" AND name = @name");
        if (queue is not null) sql.Append(" AND queue = @queue");
        sql.Append(" ORDER BY minute, name, queue");
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, sql.ToString(), 2);
        command.Parameters[0].Value = (long)Math.Floor(TaskRow.Unix(from) / 60) * 60;
        command.Parameters[1].Value = (long)Math.Ceiling(TaskRow.Unix(to));
        if (taskName is not null) Add(command, "@name", taskName);
        if (queue is not null) Add(command, "@queue", queue);
        var rollups = new List<MinuteRollup>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Columns: minute, name, queue, succeeded, failed, retried, received, runtime_sum, b…, wait_sum, w….
            var counts = new long[buckets];
            var waits = new long[buckets];
            for (var i = 0; i < buckets; i++)
            {
                counts[i] = r.GetInt64(8 + i);
                waits[i] = r.GetInt64(9 + buckets + i);
            }
            var q = r.GetString(2);
            rollups.Add(new MinuteRollup(DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(0)), r.GetString(1), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5),
                r.GetDouble(7), counts, q.Length == 0 ? null : q, r.GetInt64(6), r.GetDouble(8 + buckets), waits));
        }
        return rollups;
    }

    /// <inheritdoc />
    public async Task<long> PruneAsync(RetentionPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long deleted = 0;
        if (policy.MaxAge is { } age)
        {
            var cutoff = TaskRow.Unix(policy.Now - age);
            deleted += await DeleteTasksAsync(connection, tx, "updated_at < @p0", cutoff, cancellationToken).ConfigureAwait(false);
            await using var rollups = Command(connection, tx, "DELETE FROM task_rollups WHERE minute < @p0", 1);
            rollups.Parameters[0].Value = (long)Math.Floor(cutoff / 60) * 60;
            await rollups.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (policy.MaxTasks is { } max)
        {
            // The newest max tasks by insertion order stay; the seq at that boundary is the cut.
            await using var boundary = Command(connection, tx, "SELECT seq FROM tasks ORDER BY seq DESC LIMIT 1 OFFSET @p0", 1);
            boundary.Parameters[0].Value = Math.Max(0, max);
            if (await boundary.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } seq and not DBNull)
                deleted += await DeleteTasksAsync(connection, tx, "seq <= @p0", Convert.ToInt64(seq, CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        }
        if (policy.OfflineWorkerRetention is { } workerAge)
        {
            // The SQL twin of OfflineSince: worker-offline's time, else the heartbeat's expiry.
            await using var workers = Command(connection, tx,
                $"DELETE FROM workers WHERE COALESCE(offline_since, last_heartbeat + {HeartbeatExpiry.ToString(CultureInfo.InvariantCulture)} * " +
                $"CASE WHEN freq > 0 THEN freq ELSE {DefaultFrequency.ToString(CultureInfo.InvariantCulture)} END) < @p0", 1);
            workers.Parameters[0].Value = TaskRow.Unix(policy.Now - workerAge);
            await workers.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private static async Task<long> DeleteTasksAsync(DbConnection connection, DbTransaction tx, string predicate, object value, CancellationToken cancellationToken)
    {
        await using (var events = Command(connection, tx, $"DELETE FROM task_events WHERE task_id IN (SELECT id FROM tasks WHERE {predicate})", 1))
        {
            events.Parameters[0].Value = value;
            await events.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var tasks = Command(connection, tx, $"DELETE FROM tasks WHERE {predicate}", 1);
        tasks.Parameters[0].Value = value;
        return await tasks.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string SortKey(TaskSort sort) => sort switch
    {
        TaskSort.Updated => "updated_at",
        TaskSort.Runtime => "COALESCE(runtime, -1)",
        TaskSort.Name => "COALESCE(name, '')",
        _ => "first_seen",
    };

    /// <summary>The last row's sort key as stored (not re-derived from a rounded time) and its seq.</summary>
    private static string EncodeCursor(object key, long seq)
    {
        var value = key is string text ? text : Convert.ToDouble(key, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(seq.ToString(CultureInfo.InvariantCulture) + ":" + value));
    }

    private static (object Value, long Seq) DecodeCursor(string cursor, TaskSort sort)
    {
        string text;
        try { text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)); }
        catch (FormatException) { throw new ArgumentException("The cursor is not one this store returned.", nameof(cursor)); }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !long.TryParse(text.AsSpan(0, colon), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq))
            throw new ArgumentException("The cursor is not one this store returned.", nameof(cursor));
        var value = text[(colon + 1)..];
        if (sort == TaskSort.Name) return (value, seq);
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            throw new ArgumentException("The cursor was made for another sort.", nameof(cursor));
        return (number, seq);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    /// <summary>Name, queue, sent_at, received_at from column <paramref name="first"/> on.</summary>
    private protected static KnownTask ReadKnown(DbDataReader r, int first) =>
        new(Text(r, first), Text(r, first + 1), r.IsDBNull(first + 2) ? null : r.GetDouble(first + 2), r.IsDBNull(first + 3) ? null : r.GetDouble(first + 3));

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : TaskRow.FromUnix(r.GetDouble(i));

    private static TaskRecord ReadTask(DbDataReader r) => new()
    {
        Id = r.GetString(1),
        Name = Text(r, 2),
        State = r.GetString(3),
        FirstSeen = TaskRow.FromUnix(r.GetDouble(4)),
        Updated = TaskRow.FromUnix(r.GetDouble(5)),
        Worker = Text(r, 6),
        Queue = Text(r, 7),
        RootId = Text(r, 8),
        ParentId = Text(r, 9),
        GroupId = Text(r, 10),
        Args = Text(r, 11),
        Kwargs = Text(r, 12),
        Result = Text(r, 13),
        Exception = Text(r, 14),
        Traceback = Text(r, 15),
        Runtime = r.IsDBNull(16) ? null : r.GetDouble(16),
        Retries = r.IsDBNull(17) ? null : Convert.ToInt32(r.GetValue(17), CultureInfo.InvariantCulture),
        Eta = Time(r, 18),
        Expires = Time(r, 19),
        Received = Time(r, 20),
        Started = Time(r, 21),
        Finished = Time(r, 22),
        Sent = Time(r, 23),
    };
}
