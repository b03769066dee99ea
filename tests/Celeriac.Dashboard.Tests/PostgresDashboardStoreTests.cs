using Celeriac.Dashboard.Store;
using Celeriac.Dashboard.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests;

/// <summary>The suite on a private PostgreSQL, a fresh database per store.</summary>
[RequiresPostgres]
public sealed class PostgresDashboardStoreTests(PostgresServer server) : DashboardStoreTests, IClassFixture<PostgresServer>
{
    private readonly Dictionary<string, string> _reopened = [];

    protected override async Task<IDashboardStore> CreateStoreAsync(DashboardStoreOptions? options = null, string? reopen = null)
    {
        string? connectionString = null;
        if (reopen is null || !_reopened.TryGetValue(reopen, out connectionString))
        {
            connectionString = await server.CreateDatabaseAsync();
            if (reopen is not null) _reopened[reopen] = connectionString;
        }
        return new PostgresDashboardStore(connectionString, options);
    }
}
