using Celeriac.Dashboard.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Ingestion;

/// <summary>The end-to-end ingestion check on a private PostgreSQL (a Python worker and the host's Celeriac worker).</summary>
[RequiresPostgres]
public sealed class PostgresIngestionTests(RedisServerFixture redis, PostgresServer postgres) : IClassFixture<RedisServerFixture>, IClassFixture<PostgresServer>
{
    [StoreFact]
    public async Task A_Python_and_a_Celeriac_workers_tasks_and_heartbeats_are_stored_in_PostgreSQL()
    {
        var broker = redis.Server.Url(0);
        var backend = redis.Server.Url(1);
        var database = await postgres.CreateDatabaseAsync();
        await using var python = await PythonCeleryWorker.StartAsync(broker, backend, "dash.py");
        await using var host = await DashboardHost.StartAsync(broker, backend, o => o.PostgresConnectionString = database);
        await IngestionScenario.RunAsync(host, python, TimeSpan.FromSeconds(60));
    }
}
