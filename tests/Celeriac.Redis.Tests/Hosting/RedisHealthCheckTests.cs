using Celeriac.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Celeriac.Redis.Tests.Hosting;

/// <summary>The health checks against a real redis-server that goes away and comes back.</summary>
public sealed class RedisHealthCheckTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private static async Task<HealthReport> UntilAsync(HealthCheckService health, Func<HealthReport, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Within;
        while (true)
        {
            var report = await health.CheckHealthAsync();
            if (condition(report)) return report;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Not {what}: " + string.Join("; ", report.Entries.Select(e => $"{e.Key}={e.Value.Status} ({e.Value.Description})")));
            await Task.Delay(50);
        }
    }

    [RedisFact]
    public async Task Broker_backend_and_worker_turn_unhealthy_when_redis_stops_and_healthy_after_it_restarts()
    {
        await using var server = await RedisServer.StartAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddCeleriac(o =>
        {
            o.BrokerUrl = server.Url();
            o.ResultBackend = server.Url(1);
        }).UseRedis().AddWorker(w => w.Concurrency = 1);
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted) await service.StartAsync(CancellationToken.None);
        var health = provider.GetRequiredService<HealthCheckService>();

        var up = await UntilAsync(health, r => r.Status == HealthStatus.Healthy, "healthy");
        Assert.Equal(["celeriac-backend", "celeriac-broker", "celeriac-worker"], up.Entries.Keys.Order());

        await server.StopAsync();
        var down = await UntilAsync(health, r => r.Entries.Values.All(e => e.Status == HealthStatus.Unhealthy), "unhealthy");
        var broker = down.Entries["celeriac-broker"].Description!;
        Assert.StartsWith($"Broker redis://127.0.0.1:{server.Port}/0 unreachable: reading the depth of queue 'celery' failed", broker);
        Assert.StartsWith($"Result backend redis://127.0.0.1:{server.Port}/1 unreachable", down.Entries["celeriac-backend"].Description);
        Assert.Contains("is not consuming: fetching failed", down.Entries["celeriac-worker"].Description);

        await server.StartAgainAsync();
        await UntilAsync(health, r => r.Status == HealthStatus.Healthy, "healthy again");

        foreach (var service in Enumerable.Reverse(hosted)) await service.StopAsync(CancellationToken.None);
    }
}
