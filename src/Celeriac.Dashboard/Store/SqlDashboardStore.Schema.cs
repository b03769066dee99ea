namespace Celeriac.Dashboard.Store;

public abstract partial class SqlDashboardStore
{
    /// <summary>The schema this code reads and writes; <see cref="InitializeAsync(CancellationToken)"/> upgrades older stores to it.</summary>
    private protected const int SchemaVersion = 3;

    /// <summary>The store's auto-numbered primary key column type (SQLite's rowid alias, PostgreSQL's identity).</summary>
    private protected abstract string SerialKey { get; }

    /// <summary>The store's double-precision type.</summary>
    private protected abstract string Real { get; }

    /// <summary>The store's 64-bit integer type.</summary>
    private protected abstract string BigInt { get; }

    private static readonly string[] RuntimeBucketColumns = [.. Enumerable.Range(0, RuntimeBuckets.UpperBounds.Count).Select(i => $"b{i}")];
    private static readonly string[] WaitBucketColumns = [.. Enumerable.Range(0, RuntimeBuckets.UpperBounds.Count).Select(i => $"w{i}")];

    /// <summary>The rollup columns (version 3 on) in the order every write and read uses them.</summary>
    private protected static readonly string[] RollupColumns =
        ["minute", "name", "queue", "succeeded", "failed", "retried", "received", "runtime_sum", .. RuntimeBucketColumns, "wait_sum", .. WaitBucketColumns];

    /// <summary>The changes from version <paramref name="version"/> − 1 to <paramref name="version"/>, in both stores' SQL.</summary>
    private protected IReadOnlyList<string> Migration(int version) => version switch
    {
        // 2: the audit log of dashboard actions.
        2 =>
        [
            $"CREATE TABLE audit (seq {SerialKey}, at {Real} NOT NULL, username TEXT NOT NULL, remote TEXT, action TEXT NOT NULL, target TEXT, detail TEXT, outcome TEXT NOT NULL)",
        ],
        // 3: when a task was sent (for its queue wait); when a worker went offline; rollups per queue too, with
        // receipts and queue waits. The rollup table is rebuilt (its key gains the queue); old rows keep queue ''.
        3 =>
        [
            $"ALTER TABLE tasks ADD COLUMN sent_at {Real}",
            $"ALTER TABLE workers ADD COLUMN offline_since {Real}",
            $"CREATE TABLE task_rollups_v3 (minute {BigInt} NOT NULL, name TEXT NOT NULL, queue TEXT NOT NULL, succeeded {BigInt} NOT NULL, " +
            $"failed {BigInt} NOT NULL, retried {BigInt} NOT NULL, received {BigInt} NOT NULL, runtime_sum {Real} NOT NULL, " +
            string.Join(", ", RuntimeBucketColumns.Select(c => $"{c} {BigInt} NOT NULL")) + $", wait_sum {Real} NOT NULL, " +
            string.Join(", ", WaitBucketColumns.Select(c => $"{c} {BigInt} NOT NULL")) + ", PRIMARY KEY (name, queue, minute))",
            $"INSERT INTO task_rollups_v3 ({string.Join(", ", RollupColumns)}) SELECT minute, name, '', succeeded, failed, retried, 0, runtime_sum, " +
            string.Join(", ", RuntimeBucketColumns) + ", 0, " + string.Join(", ", WaitBucketColumns.Select(_ => "0")) + " FROM task_rollups",
            "DROP TABLE task_rollups",
            "ALTER TABLE task_rollups_v3 RENAME TO task_rollups",
            "CREATE INDEX task_rollups_minute ON task_rollups (minute)",
            "CREATE INDEX task_rollups_queue ON task_rollups (queue, minute)",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };
}
