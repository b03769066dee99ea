using System.Data.Common;

namespace Celeriac.Dashboard.Store;

/// <summary>
/// What <see cref="SqliteDashboardStore"/> and <see cref="PostgresDashboardStore"/> share: the schema's
/// semantics, the upsert rules, the queries and keyset paging. Each store supplies its connection, its
/// DDL, its text search and (for speed) its own bulk writes.
/// </summary>
public abstract partial class SqlDashboardStore : IDashboardStore
{
    /// <summary>Task columns in the order every upsert writes them.</summary>
    private protected static readonly string[] TaskColumns =
    [
        "id", "name", "state", "state_at", "first_seen", "updated_at", "worker", "queue", "root_id", "parent_id",
        "group_id", "args", "kwargs", "result", "exception", "traceback", "runtime", "retries", "eta", "expires",
        "received_at", "started_at", "finished_at", "sent_at",
    ];

    /// <summary>The task indexes both stores create: one per filter, each ending in the default sort and seq for keyset paging.</summary>
    private protected static readonly string[] SharedIndexes =
    [
        "CREATE INDEX tasks_first_seen ON tasks (first_seen, seq)",
        "CREATE INDEX tasks_updated ON tasks (updated_at, seq)",
        "CREATE INDEX tasks_runtime ON tasks ((COALESCE(runtime, -1)), seq)",
        "CREATE INDEX tasks_name ON tasks (name, first_seen, seq)",
        "CREATE INDEX tasks_name_state ON tasks (name, state, first_seen, seq)", // "failures of task X" without scanning X
        "CREATE INDEX tasks_state ON tasks (state, first_seen, seq)",
        "CREATE INDEX tasks_worker ON tasks (worker, first_seen, seq)",
        "CREATE INDEX tasks_queue ON tasks (queue, first_seen, seq)",
        "CREATE INDEX tasks_root ON tasks (root_id, first_seen, seq)",
        "CREATE INDEX tasks_group ON tasks (group_id, first_seen, seq)", // a workflow's group members (they do not share a root)
    ];

    /// <summary>The rollup table, in the store's integer and float types.</summary>
    private protected static string RollupTable(string integer, string real) =>
        $"CREATE TABLE task_rollups (minute {integer} NOT NULL, name TEXT NOT NULL, succeeded {integer} NOT NULL, failed {integer} NOT NULL, " +
        $"retried {integer} NOT NULL, runtime_sum {real} NOT NULL, " +
        string.Join(", ", Enumerable.Range(0, RuntimeBuckets.UpperBounds.Count).Select(i => $"b{i} {integer} NOT NULL")) +
        ", PRIMARY KEY (name, minute))";

    private protected SqlDashboardStore(DashboardStoreOptions? options) => Options = options ?? new DashboardStoreOptions();

    /// <summary>The options.</summary>
    public DashboardStoreOptions Options { get; }

    private protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The DDL of schema version 1, one statement each (later versions: <see cref="Migration"/>).</summary>
    private protected abstract IReadOnlyList<string> SchemaStatements { get; }

    /// <summary>The SQL functions for the larger and smaller of two values.</summary>
    private protected abstract string Greatest { get; }
    private protected abstract string Least { get; }

    /// <summary>
    /// How to search for the text parameter <c>@text</c> (bound to <paramref name="argument"/>): a predicate on
    /// <c>tasks</c>, and whether the query must not walk the sort's index (a rare word: fetch its few matches and
    /// sort them rather than scan the index for them).
    /// </summary>
    private protected abstract ValueTask<(string Predicate, bool HideSortIndex)> TextFilterAsync(DbConnection connection, string argument, CancellationToken cancellationToken);

    /// <summary>Fewer matches than this is a rare word, more a common one (see <see cref="TextFilterAsync"/>).</summary>
    private protected const int CommonWordMatches = 1_000;


    /// <summary>The value bound to <c>@text</c> for the user's words.</summary>
    private protected abstract string TextArgument(string text);

    /// <summary>Writes the merged task rows and the timeline rows (inside <paramref name="tx"/>).</summary>
    private protected abstract Task WriteTasksAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<TaskRow> rows, IReadOnlyList<TaskEvent> events, CancellationToken cancellationToken);

    /// <summary>The stored name, queue, sent and received times of <paramref name="ids"/>.</summary>
    private protected abstract Task<Dictionary<string, KnownTask>> KnownAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken = default) => InitializeAsync(SchemaVersion, cancellationToken);

    /// <summary>Brings the schema to <paramref name="target"/> (tests build older stores with it).</summary>
    internal async Task InitializeAsync(int target, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, "CREATE TABLE IF NOT EXISTS dashboard_schema (version INTEGER NOT NULL)", cancellationToken).ConfigureAwait(false);
        var current = await ScalarAsync(connection, tx, "SELECT MAX(version) FROM dashboard_schema", cancellationToken).ConfigureAwait(false);
        var version = current is null or DBNull ? 0 : Convert.ToInt32(current, System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
            throw new InvalidOperationException($"The dashboard store holds schema version {version}; this Celeriac.Dashboard knows up to {SchemaVersion}.");
        // Version 1 is the first schema; each later version is a list of changes to the one before, so a
        // new file and an old one take the same path to the present.
        for (var next = version + 1; next <= target; next++)
        {
            foreach (var statement in next == 1 ? SchemaStatements : Migration(next))
                await ExecuteAsync(connection, tx, statement, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, $"INSERT INTO dashboard_schema (version) VALUES ({next})", cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual async Task WriteAsync(DashboardBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Tasks.Count == 0 && batch.Workers.Count == 0) return;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (batch.Tasks.Count > 0)
        {
            var rows = TaskRow.Merge(batch.Tasks, Options.MaxPayloadLength);
            await WriteTasksAsync(connection, tx, rows, batch.Tasks, cancellationToken).ConfigureAwait(false);
            // After the upsert the stored record holds this batch's fields too, so it is the whole truth.
            var (known, missing) = RollupDelta.FromBatch(batch.Tasks, rows);
            if (missing.Count > 0)
                foreach (var (id, task) in await KnownAsync(connection, tx, missing, cancellationToken).ConfigureAwait(false)) known[id] = task;
            await WriteRollupsAsync(connection, tx, RollupDelta.From(batch.Tasks, known), cancellationToken).ConfigureAwait(false);
        }
        if (batch.Workers.Count > 0) await WriteWorkersAsync(connection, tx, batch.Workers, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private const string Moves = "excluded.state_at >= tasks.state_at AND (excluded.state <> 'PENDING' OR tasks.state = 'PENDING')";

    /// <summary>The upsert of one task row, parameters <c>@p0..@p23</c> in <see cref="TaskColumns"/> order, from <paramref name="source"/>.</summary>
    private protected string TaskUpsert(string source)
    {
        static string Keep(string c) => $"{c} = COALESCE(excluded.{c}, tasks.{c})";
        var sets = new List<string>
        {
            // The SQL twin of TaskRow.Apply: the newer state wins, except that PENDING (task-sent) never replaces another.
            $"state = CASE WHEN {Moves} THEN excluded.state ELSE tasks.state END",
            $"state_at = CASE WHEN {Moves} THEN excluded.state_at ELSE tasks.state_at END",
            $"first_seen = {Least}(excluded.first_seen, tasks.first_seen)",
            $"updated_at = {Greatest}(excluded.updated_at, tasks.updated_at)",
        };
        foreach (var c in TaskColumns)
            if (c is not ("id" or "state" or "state_at" or "first_seen" or "updated_at")) sets.Add(Keep(c));
        return $"INSERT INTO tasks ({string.Join(", ", TaskColumns)}) {source} ON CONFLICT (id) DO UPDATE SET {string.Join(", ", sets)}";
    }

    /// <summary>A task row's values in <see cref="TaskColumns"/> order.</summary>
    private protected static object?[] TaskValues(TaskRow r) =>
    [
        r.Id, r.Name, r.State, r.StateAt, r.FirstSeen, r.Updated, r.Worker, r.Queue, r.RootId, r.ParentId,
        r.GroupId, r.Args, r.Kwargs, r.Result, r.Exception, r.Traceback, r.Runtime, r.Retries, r.Eta, r.Expires,
        r.Received, r.Started, r.Finished, r.Sent,
    ];

    private async Task WriteRollupsAsync(DbConnection connection, DbTransaction tx, List<RollupDelta> deltas, CancellationToken cancellationToken)
    {
        if (deltas.Count == 0) return;
        var adds = RollupColumns.Skip(3).Select(c => $"{c} = task_rollups.{c} + excluded.{c}");
        await using var command = Command(connection, tx,
            $"INSERT INTO task_rollups ({string.Join(", ", RollupColumns)}) VALUES ({string.Join(", ", RollupColumns.Select((_, i) => $"@p{i}"))}) " +
            $"ON CONFLICT (name, queue, minute) DO UPDATE SET {string.Join(", ", adds)}", RollupColumns.Length);
        foreach (var d in deltas)
        {
            object?[] values =
            [
                d.Minute, d.Name, d.Queue, d.Succeeded, d.Failed, d.Retried, d.Received, d.RuntimeSum, .. d.Counts.Cast<object?>(),
                d.WaitSum, .. d.WaitCounts.Cast<object?>(),
            ];
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteWorkersAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<WorkerUpdate> updates, CancellationToken cancellationToken)
    {
        string[] columns = ["hostname", "online", "last_heartbeat", "offline_since", "sw_ident", "sw_ver", "sw_sys", "freq", "active", "processed", "loadavg"];
        // The newest event decides online and offline_since (set by worker-offline, cleared by any later sign of life).
        var sets = columns.Skip(4).Select(c => $"{c} = COALESCE(excluded.{c}, workers.{c})")
            .Prepend("offline_since = CASE WHEN excluded.last_heartbeat >= workers.last_heartbeat THEN excluded.offline_since ELSE workers.offline_since END")
            .Prepend("online = CASE WHEN excluded.last_heartbeat >= workers.last_heartbeat THEN excluded.online ELSE workers.online END")
            .Prepend("last_heartbeat = CASE WHEN excluded.last_heartbeat >= workers.last_heartbeat THEN excluded.last_heartbeat ELSE workers.last_heartbeat END");
        await using var command = Command(connection, tx,
            $"INSERT INTO workers ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))}) " +
            $"ON CONFLICT (hostname) DO UPDATE SET {string.Join(", ", sets)}", columns.Length);
        foreach (var w in updates)
        {
            object?[] values = [w.Hostname, w.Online ? 1 : 0, TaskRow.Unix(w.Timestamp), w.Online ? null : TaskRow.Unix(w.Timestamp), w.SoftwareIdent, w.SoftwareVersion, w.SoftwareSystem, w.Frequency, w.Active, w.Processed, w.LoadAverage];
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A command with <paramref name="parameters"/> parameters named <c>@p0..</c>, prepared for reuse.</summary>
    private protected static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = $"@p{i}";
            p.Value = DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }

    private protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, tx, sql, 0);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one statement outside a batch (tests write rows of an older schema with it).</summary>
    internal async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, sql, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, tx, sql, 0);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
