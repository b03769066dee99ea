using Celeriac.Dashboard.Store;
using Celeriac.Dashboard.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Ingestion;

/// <summary>
/// Events from a Python Celery worker and a Celeriac worker on a real Redis, ingested into a SQLite file by the
/// dashboard in a real host; the history outlives the host.
/// </summary>
public sealed class SqliteIngestionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("celeriac-ingest-");
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private string Db => Path.Combine(_dir.FullName, "dashboard.db");

    [IngestionFact]
    public async Task A_Python_and_a_Celeriac_workers_tasks_and_heartbeats_are_stored_and_outlive_a_restart()
    {
        var broker = redis.Server.Url(0);
        var backend = redis.Server.Url(1);
        // Started first and without -E: the dashboard's enable_events broadcast at its start turns its task events on.
        await using var python = await PythonCeleryWorker.StartAsync(broker, backend, "dash.py");
        Dictionary<string, string> ids;
        await using (var host = await DashboardHost.StartAsync(broker, backend, o => o.SqlitePath = Db))
        {
            ids = await IngestionScenario.RunAsync(host, python, Within);
        }

        // A new host on the same file (ingesting nothing new) has the history.
        await using var again = await DashboardHost.StartAsync(broker, backend, o => { o.SqlitePath = Db; o.IngestEvents = false; }, worker: false);
        foreach (var (what, id) in ids)
            (await again.Store.GetTaskAsync(id)).Should().NotBeNull($"{what} ({id}) was stored before the restart");
        (await again.Store.GetTaskAsync(ids["py.add"]))!.Task.State.Should().Be("SUCCESS");
        (await again.Store.QueryTasksAsync(new TaskQuery { Name = "dash.fail" })).Tasks.Should().ContainSingle();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
