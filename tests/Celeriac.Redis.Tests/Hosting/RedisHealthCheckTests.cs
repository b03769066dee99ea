using Celeriac.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Celeriac.Redis.Tests.Hosting;

/// <summary>The health checks against a real redis-server that goes away and comes back.</summary>
public sealed class RedisHealthCheckTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60); // the beat learns of the outage only when a store call fails, which takes the Redis client some seconds

    private async Task<HealthReport> UntilAsync(HealthCheckService health, Func<HealthReport, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Within;
        while (true)
        {
            var report = await health.CheckHealthAsync();
            if (condition(report))
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");
                return report;
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Not {what}: " + string.Join("; ", report.Entries.Select(e => $"{e.Key}={e.Value.Status} ({e.Value.Description})")));
            await Task.Delay(50);
        }
    }

    [RedisFact]
    public async Task Broker_backend_worker_and_beat_turn_unhealthy_when_redis_stops_and_healthy_after_it_restarts()
    {
        await using var server = await RedisServer.StartAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddCeleriac(o =>
        {
            o.BrokerUrl = server.Url();
            o.ResultBackend = server.Url(1);
        }).UseRedis().AddWorker(w => w.Concurrency = 1).AddBeat();
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted) await service.StartAsync(CancellationToken.None);
        var health = provider.GetRequiredService<HealthCheckService>();

        var up = await UntilAsync(health, r => r.Status == HealthStatus.Healthy, "healthy");
        Assert.Equal(["celeriac-backend", "celeriac-beat", "celeriac-broker", "celeriac-worker"], up.Entries.Keys.Order());
        Assert.Equal(true, up.Entries["celeriac-beat"].Data["leader"]);

        await server.StopAsync();
        var down = await UntilAsync(health, r => r.Entries.Values.All(e => e.Status == HealthStatus.Unhealthy), "unhealthy");
        var broker = down.Entries["celeriac-broker"].Description!;
        Assert.StartsWith($"Broker redis://127.0.0.1:{server.Port}/0 unreachable: reading the depth of queue 'celery' failed", broker);
        Assert.StartsWith($"Result backend redis://127.0.0.1:{server.Port}/1 unreachable", down.Entries["celeriac-backend"].Description);
        Assert.Contains("is not consuming: fetching failed", down.Entries["celeriac-worker"].Description);
        Assert.Contains("its last cycle failed (schedule store or broker unreachable)", down.Entries["celeriac-beat"].Description);

        await server.StartAgainAsync();
        var again = await UntilAsync(health, r => r.Status == HealthStatus.Healthy, "healthy again");
        Assert.StartsWith($"Broker redis://127.0.0.1:{server.Port}/0 reachable", again.Entries["celeriac-broker"].Description);

        foreach (var service in Enumerable.Reverse(hosted)) await service.StopAsync(CancellationToken.None);
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} stopped");
    }
}
