using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Celeriac.Dashboard.Store;

/// <summary>
/// The embedded store: one SQLite file (WAL, one writer at a time), text search by FTS5 over args,
/// kwargs, result and exception. No server to run; the default.
/// </summary>
/// <example>
/// <code>
/// await using var store = new SqliteDashboardStore("/var/lib/celeriac/dashboard.db");
/// await store.InitializeAsync();
/// </code>
/// </example>
public sealed class SqliteDashboardStore : SqlDashboardStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>A store in the file at <paramref name="path"/> (created when missing).</summary>
    public SqliteDashboardStore(string path, DashboardStoreOptions? options = null) : base(options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    private protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // WAL lets pages read while ingestion writes; NORMAL syncs at checkpoints only (a power cut may lose
        // the last commits, never corrupt the file) — history, not money.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000", cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc />
    public override async Task WriteAsync(DashboardBatch batch, CancellationToken cancellationToken = default)
    {
        // One writer: SQLite serialises writers anyway; waiting here beats spinning on SQLITE_BUSY.
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { await base.WriteAsync(batch, cancellationToken).ConfigureAwait(false); }
        finally { _writer.Release(); }
    }

    /// <inheritdoc />
    public override async Task EnrichAsync(IReadOnlyList<TaskEnrichment> tasks, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { await base.EnrichAsync(tasks, cancellationToken).ConfigureAwait(false); }
        finally { _writer.Release(); }
    }

    private protected override string SerialKey => "INTEGER PRIMARY KEY";
    private protected override string Real => "REAL";
    private protected override string BigInt => "INTEGER";
    private protected override string Greatest => "MAX";
    private protected override string Least => "MIN";

    // SQLite has no statistics on FTS matches, so it always fetches every matching task and sorts them: right
    // for a rare word, ~0.5 s for a word in 1 task of 10 at a million. So count the matches up to a bound
    // first: a common word instead walks the sort's index and keeps tasks in the match set (the unary +
    // stops the planner from driving by seq), which finds a page after ~limit × 10 rows.
    private protected override async ValueTask<(string Predicate, bool HideSortIndex)> TextFilterAsync(DbConnection connection, string argument, CancellationToken cancellationToken)
    {
        await using var count = Command(connection, null, $"SELECT COUNT(*) FROM (SELECT rowid FROM task_text WHERE task_text MATCH @p0 LIMIT {CommonWordMatches})", 1);
        count.Parameters[0].Value = argument;
        var matches = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return ((matches < CommonWordMatches ? "seq" : "+seq") + " IN (SELECT rowid FROM task_text WHERE task_text MATCH @text)", false);
    }

    // A phrase: the user's words in order, no FTS5 operators.
    private protected override string TextArgument(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private protected override IReadOnlyList<string> SchemaStatements { get; } =
    [
        """
        CREATE TABLE tasks (
            seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT, state TEXT NOT NULL, state_at REAL NOT NULL,
            first_seen REAL NOT NULL, updated_at REAL NOT NULL, worker TEXT, queue TEXT, root_id TEXT, parent_id TEXT,
            group_id TEXT, args TEXT, kwargs TEXT, result TEXT, exception TEXT, traceback TEXT, runtime REAL,
            retries INTEGER, eta REAL, expires REAL, received_at REAL, started_at REAL, finished_at REAL)
        """,
        .. SharedIndexes,
        "CREATE VIRTUAL TABLE task_text USING fts5(args, kwargs, result, exception, content='tasks', content_rowid='seq')",
        """
        CREATE TRIGGER tasks_text_insert AFTER INSERT ON tasks BEGIN
            INSERT INTO task_text (rowid, args, kwargs, result, exception) VALUES (new.seq, new.args, new.kwargs, new.result, new.exception);
        END
        """,
        """
        CREATE TRIGGER tasks_text_delete AFTER DELETE ON tasks BEGIN
            INSERT INTO task_text (task_text, rowid, args, kwargs, result, exception) VALUES ('delete', old.seq, old.args, old.kwargs, old.result, old.exception);
        END
        """,
        // Only when a searched column changes: a started event rewrites none, so costs no index work.
        """
        CREATE TRIGGER tasks_text_update AFTER UPDATE OF args, kwargs, result, exception ON tasks
        WHEN old.args IS NOT new.args OR old.kwargs IS NOT new.kwargs OR old.result IS NOT new.result OR old.exception IS NOT new.exception
        BEGIN
            INSERT INTO task_text (task_text, rowid, args, kwargs, result, exception) VALUES ('delete', old.seq, old.args, old.kwargs, old.result, old.exception);
            INSERT INTO task_text (rowid, args, kwargs, result, exception) VALUES (new.seq, new.args, new.kwargs, new.result, new.exception);
        END
        """,
        "CREATE TABLE task_events (seq INTEGER PRIMARY KEY, task_id TEXT NOT NULL, state TEXT NOT NULL, ts REAL NOT NULL, worker TEXT)",
        "CREATE INDEX task_events_task ON task_events (task_id, ts)",
        "CREATE TABLE workers (hostname TEXT PRIMARY KEY, online INTEGER NOT NULL, last_heartbeat REAL NOT NULL, sw_ident TEXT, sw_ver TEXT, sw_sys TEXT, freq REAL, active INTEGER, processed INTEGER, loadavg TEXT)",
        RollupTable("INTEGER", "REAL"),
    ];

    private protected override async Task WriteTasksAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<TaskRow> rows, IReadOnlyList<TaskEvent> events, CancellationToken cancellationToken)
    {
        await using (var upsert = Command(connection, tx, TaskUpsert($"VALUES ({string.Join(", ", TaskColumns.Select((_, i) => $"@p{i}"))})"), TaskColumns.Length))
        {
            upsert.Prepare();
            foreach (var row in rows)
            {
                var values = TaskValues(row);
                for (var i = 0; i < values.Length; i++) upsert.Parameters[i].Value = values[i] ?? DBNull.Value;
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        await using var timeline = Command(connection, tx, "INSERT INTO task_events (task_id, state, ts, worker) VALUES (@p0, @p1, @p2, @p3)", 4);
        timeline.Prepare();
        foreach (var e in events)
        {
            timeline.Parameters[0].Value = e.TaskId;
            timeline.Parameters[1].Value = e.State;
            timeline.Parameters[2].Value = TaskRow.Unix(e.Timestamp);
            timeline.Parameters[3].Value = (object?)e.Worker ?? DBNull.Value;
            await timeline.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private protected override async Task<Dictionary<string, KnownTask>> KnownAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, KnownTask>(StringComparer.Ordinal);
        await using var command = Command(connection, tx, "SELECT name, queue, sent_at, received_at FROM tasks WHERE id = @p0", 1);
        command.Prepare();
        foreach (var id in ids)
        {
            command.Parameters[0].Value = id;
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) known[id] = ReadKnown(r, 0);
        }
        return known;
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return base.DisposeAsync();
    }
}
