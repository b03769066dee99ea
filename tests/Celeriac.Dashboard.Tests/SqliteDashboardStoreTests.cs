using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Tests;

/// <summary>The suite on SQLite files in a temporary folder.</summary>
public sealed class SqliteDashboardStoreTests : DashboardStoreTests, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("celeriac-dash-");
    private int _files;

    protected override Task<IDashboardStore> CreateStoreAsync(DashboardStoreOptions? options = null, string? reopen = null) =>
        Task.FromResult<IDashboardStore>(new SqliteDashboardStore(
            Path.Combine(_dir.FullName, (reopen ?? $"store{Interlocked.Increment(ref _files)}") + ".db"), options));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
