namespace Celeriac.Dashboard.Store;

/// <summary>The store <see cref="DashboardOptions"/> names: PostgreSQL when a connection string is set, else the SQLite file.</summary>
internal static class DashboardStoreFactory
{
    public static IDashboardStore Create(DashboardOptions options)
    {
        var storeOptions = new DashboardStoreOptions { MaxPayloadLength = options.MaxPayloadLength, OfflineWorkerRetention = options.OfflineWorkerRetention };
        return string.IsNullOrWhiteSpace(options.PostgresConnectionString)
            ? new SqliteDashboardStore(options.SqlitePath, storeOptions)
            : new PostgresDashboardStore(options.PostgresConnectionString, storeOptions);
    }
}
