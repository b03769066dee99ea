using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Celeriac.Dashboard.Store;

/// <summary>
/// The production store on PostgreSQL (Npgsql): the same schema and behaviour as
/// <see cref="SqliteDashboardStore"/>; a batch's tasks are one <c>unnest</c> upsert, its timeline one binary
/// COPY; text search is a <c>simple</c>-configuration <c>tsvector</c> over runs of letters and digits (words, as FTS5 matches them) with a GIN index.
/// </summary>
/// <example>
/// <code>
/// await using var store = new PostgresDashboardStore("Host=db;Database=celeriac;Username=celeriac;Password=…");
/// await store.InitializeAsync();
/// </code>
/// </example>
public sealed partial class PostgresDashboardStore : SqlDashboardStore
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>A store on the database of <paramref name="connectionString"/> (tables created when missing).</summary>
    public PostgresDashboardStore(string connectionString, DashboardStoreOptions? options = null) : base(options)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    private protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private protected override string SerialKey => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
    private protected override string Real => "DOUBLE PRECISION";
    private protected override string BigInt => "BIGINT";
    private protected override string Greatest => "GREATEST";
    private protected override string Least => "LEAST";

    private const string Match = "search @@ phraseto_tsquery('simple', @text)";

    // PostgreSQL guesses a tsquery's selectivity, and for a rare word guesses high: it walks the sort's index
    // backwards testing each row (0.4–0.6 s at a million) where the GIN index would give the few matches at
    // once. Counting the matches up to a bound first (a GIN lookup) tells which; a rare word hides the sort index.
    private protected override async ValueTask<(string Predicate, bool HideSortIndex)> TextFilterAsync(DbConnection connection, string argument, CancellationToken cancellationToken)
    {
        await using var count = Command(connection, null, $"SELECT COUNT(*) FROM (SELECT 1 FROM tasks WHERE {Match.Replace("@text", "@p0", StringComparison.Ordinal)} LIMIT {CommonWordMatches}) m", 1);
        count.Parameters[0].Value = argument;
        var matches = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return (Match, matches < CommonWordMatches);
    }

    // Words are runs of letters and digits on both stores (FTS5's unicode61 splits there): without this,
    // PostgreSQL's parser would keep "alice@example.com" as one e-mail token and "alice" would not find it.
    private protected override string TextArgument(string text) => NonWord().Replace(text, " ");

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial System.Text.RegularExpressions.Regex NonWord();

    private protected override IReadOnlyList<string> SchemaStatements { get; } =
    [
        """
        CREATE TABLE tasks (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT, state TEXT NOT NULL,
            state_at DOUBLE PRECISION NOT NULL, first_seen DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
            worker TEXT, queue TEXT, root_id TEXT, parent_id TEXT, group_id TEXT, args TEXT, kwargs TEXT, result TEXT,
            exception TEXT, traceback TEXT, runtime DOUBLE PRECISION, retries INTEGER, eta DOUBLE PRECISION,
            expires DOUBLE PRECISION, received_at DOUBLE PRECISION, started_at DOUBLE PRECISION, finished_at DOUBLE PRECISION,
            search tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(
                COALESCE(args, '') || ' ' || COALESCE(kwargs, '') || ' ' || COALESCE(result, '') || ' ' || COALESCE(exception, ''),
                '[^[:alnum:]]+', ' ', 'g'))) STORED)
        """,
        .. SharedIndexes,
        "CREATE INDEX tasks_search ON tasks USING GIN (search)",
        "CREATE TABLE task_events (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, task_id TEXT NOT NULL, state TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL, worker TEXT)",
        "CREATE INDEX task_events_task ON task_events (task_id, ts)",
        "CREATE TABLE workers (hostname TEXT PRIMARY KEY, online INTEGER NOT NULL, last_heartbeat DOUBLE PRECISION NOT NULL, sw_ident TEXT, sw_ver TEXT, sw_sys TEXT, freq DOUBLE PRECISION, active INTEGER, processed BIGINT, loadavg TEXT)",
        RollupTable("BIGINT", "DOUBLE PRECISION"),
    ];

    private protected override async Task WriteTasksAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<TaskRow> rows, IReadOnlyList<TaskEvent> events, CancellationToken cancellationToken)
    {
        // One statement for the batch: a column array per task column, unnested into rows. The rows are merged
        // per id first, so no row meets its own conflict twice (which PostgreSQL refuses).
        var columns = new Array[TaskColumns.Length];
        for (var c = 0; c < columns.Length; c++)
            columns[c] = TaskColumns[c] switch
            {
                "state_at" or "first_seen" or "updated_at" => new double[rows.Count],
                "runtime" or "eta" or "expires" or "received_at" or "started_at" or "finished_at" or "sent_at" => new double?[rows.Count],
                "retries" => new int?[rows.Count],
                _ => new string?[rows.Count],
            };
        for (var r = 0; r < rows.Count; r++)
        {
            var values = TaskValues(rows[r]);
            for (var c = 0; c < columns.Length; c++) columns[c].SetValue(values[c], r);
        }
        await using (var upsert = Command(connection, tx, TaskUpsert($"SELECT * FROM unnest({string.Join(", ", TaskColumns.Select((_, i) => $"@p{i}"))})"), TaskColumns.Length))
        {
            for (var c = 0; c < columns.Length; c++) upsert.Parameters[c].Value = columns[c];
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var npgsql = (NpgsqlConnection)connection;
        await using var copy = await npgsql.BeginBinaryImportAsync("COPY task_events (task_id, state, ts, worker) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        foreach (var e in events)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(e.TaskId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(e.State, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(TaskRow.Unix(e.Timestamp), NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
            if (e.Worker is null) await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            else await copy.WriteAsync(e.Worker, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }
        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private protected override async Task<Dictionary<string, KnownTask>> KnownAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, KnownTask>(StringComparer.Ordinal);
        await using var command = Command(connection, tx, "SELECT id, name, queue, sent_at, received_at FROM tasks WHERE id = ANY(@p0)", 1);
        command.Parameters[0].Value = ids.ToArray();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) known[reader.GetString(0)] = ReadKnown(reader, 1);
        return known;
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
