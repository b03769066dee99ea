namespace Celeriac.Dashboard.Store;

public abstract partial class SqlDashboardStore
{
    /// <summary>The schema this code reads and writes; <see cref="InitializeAsync(CancellationToken)"/> upgrades older stores to it.</summary>
    private protected const int SchemaVersion = 2;

    /// <summary>The store's auto-numbered primary key column type (SQLite's rowid alias, PostgreSQL's identity).</summary>
    private protected abstract string SerialKey { get; }

    /// <summary>The store's double-precision type.</summary>
    private protected abstract string Real { get; }

    /// <summary>The changes from version <paramref name="version"/> − 1 to <paramref name="version"/>, in both stores' SQL.</summary>
    private protected IReadOnlyList<string> Migration(int version) => version switch
    {
        // 2: the audit log of dashboard actions.
        2 =>
        [
            $"CREATE TABLE audit (seq {SerialKey}, at {Real} NOT NULL, username TEXT NOT NULL, remote TEXT, action TEXT NOT NULL, target TEXT, detail TEXT, outcome TEXT NOT NULL)",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };
}
