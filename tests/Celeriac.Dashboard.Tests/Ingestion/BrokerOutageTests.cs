using Celeriac.Dashboard.Store;
using Celeriac.Dashboard.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Ingestion;

/// <summary>The broker goes away mid-stream and comes back: ingestion carries on without a restart.</summary>
public sealed class BrokerOutageTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("celeriac-outage-");

    [IngestionFact]
    public async Task Ingestion_resumes_after_the_broker_is_killed_and_restarted()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await DashboardHost.StartAsync(redis.Url(0), redis.Url(1), o => o.SqlitePath = Path.Combine(_dir.FullName, "d.db"));
        var app = host.Celeriac;
        var within = TimeSpan.FromSeconds(60);

        // Redis pub/sub keeps nothing for a subscriber that is reconnecting: events published in that moment are lost
        // (to Flower as well). So a task is sent again every few seconds until one is stored whole.
        async Task<string> RunOneAsync()
        {
            var deadline = DateTime.UtcNow + within;
            while (true)
            {
                try
                {
                    var sent = await app.SendTaskAsync("dash.cx.add", [1, 2], options: new TaskSendOptions { Queue = DashboardHost.CeleriacQueue });
                    await Poll.UntilAsync(() => host.Store.GetTaskAsync(sent.Id), d => d?.Task.State == "SUCCESS", TimeSpan.FromSeconds(3));
                    return sent.Id;
                }
                catch (Exception) when (DateTime.UtcNow < deadline)
                {
                    // the client is still reconnecting, or this task's events fell into the gap
                }
            }
        }

        await RunOneAsync();
        var before = host.Stats.EventsIngested;
        var heartbeat = (await host.Store.GetWorkersAsync()).Single().LastHeartbeat;

        await redis.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2)); // an outage of some length, not a blip: reconnects back off meanwhile
        await redis.StartAgainAsync();

        await RunOneAsync();
        host.Stats.EventsIngested.Should().BeGreaterThan(before);
        // Heartbeats are stored again too.
        await Poll.UntilAsync(() => host.Store.GetWorkersAsync(), w => w.Single().LastHeartbeat > heartbeat.AddSeconds(2), within);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
