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
            // A warm stop sends worker-offline: the worker is listed offline, since then.
            await python.DisposeAsync();
            var gone = await Poll.UntilAsync(() => host.Store.GetWorkersAsync(), w => w.Any(x => x.Hostname == python.Node && !x.Online), Within);
            gone.Single(x => x.Hostname == python.Node).OfflineSince.Should().NotBeNull();
        }

        // A new host on the same file (ingesting nothing new) has the history.
        await using var again = await DashboardHost.StartAsync(broker, backend, o => { o.SqlitePath = Db; o.IngestEvents = false; }, worker: false);
        foreach (var (what, id) in ids)
            (await again.Store.GetTaskAsync(id)).Should().NotBeNull($"{what} ({id}) was stored before the restart");
        (await again.Store.GetTaskAsync(ids["py.add"]))!.Task.State.Should().Be("SUCCESS");
        (await again.Store.QueryTasksAsync(new TaskQuery { Name = "dash.fail" })).Tasks.Should().ContainSingle();
    }

    [IngestionFact]
    public async Task Malformed_events_are_skipped_and_counted_and_ingestion_goes_on()
    {
        await using var host = await DashboardHost.StartAsync(redis.Server.Url(0), redis.Server.Url(1), o => o.SqlitePath = Db, worker: false);
        await Poll.UntilAsync(() => Task.FromResult(host.Stats.BrokerConnected), c => c, Within); // subscribed
        // As a worker publishes them (kombu's envelope on the celeryev fanout channel): one without a uuid, one with an
        // impossible time, then a good one.
        await PublishEventsAsync("""[{"type": "task-started", "hostname": "bad@x", "timestamp": 1765000000.5},""" +
                                 """ {"type": "task-started", "uuid": "bad-time", "hostname": "bad@x", "timestamp": 1e300},""" +
                                 """ {"type": "task-received", "uuid": "good", "name": "x.y", "hostname": "good@x", "timestamp": 1765000001.5}]""");
        await Poll.UntilAsync(() => host.Store.GetTaskAsync("good"), d => d is not null, Within);
        host.Stats.Malformed.Should().Be(2);
        (await host.Store.GetTaskAsync("bad-time")).Should().BeNull();
    }

    private async Task PublishEventsAsync(string body)
    {
        var envelope = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["body"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(body)),
            ["content-encoding"] = "utf-8",
            ["content-type"] = "application/json",
            ["headers"] = new Dictionary<string, string> { ["hostname"] = "bad@x" },
            ["properties"] = new Dictionary<string, object>
            {
                ["delivery_mode"] = 1, ["priority"] = 0, ["body_encoding"] = "base64", ["delivery_tag"] = Guid.NewGuid().ToString(),
                ["delivery_info"] = new Dictionary<string, string> { ["exchange"] = "celeryev", ["routing_key"] = "task.multi" },
            },
        });
        var cli = ExternalTool.Require("redis-cli", "apt-get install redis-tools");
        using var process = System.Diagnostics.Process.Start(cli, ["-p", redis.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "PUBLISH", "/0.celeryev/task.multi", envelope])!;
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
