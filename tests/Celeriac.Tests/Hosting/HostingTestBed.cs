using Celeriac.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Celeriac.Tests.Hosting;

/// <summary>A real Generic Host on a private in-memory broker and result store.</summary>
internal static class HostingTestBed
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>A <c>memory://</c> URL private to one test (brokers and stores are per name, process-wide).</summary>
    public static string PrivateMemory() => $"memory://hosting-{Guid.NewGuid():N}";

    public static IHost Build(Action<CeleriacBuilder> configure, string? memory = null, TimeSpan? shutdownTimeout = null,
        Action<IServiceCollection>? services = null, bool backend = true)
    {
        var url = memory ?? PrivateMemory();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(10));
        builder.Services.AddLogging();
        services?.Invoke(builder.Services);
        configure(builder.Services.AddCeleriac(o =>
        {
            o.BrokerUrl = url;
            if (backend) o.ResultBackend = url;
        }));
        return builder.Build();
    }

    /// <summary>Health checks with one of the tags (all when null).</summary>
    public static Task<HealthReport> HealthAsync(this IHost host, string? tag = null) =>
        host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => tag is null || r.Tags.Contains(tag));

    /// <summary>Checks until every check is Healthy (a hosted worker starts in the background), or fails with the last report.</summary>
    public static async Task<HealthReport> HealthyAsync(this IHost host, string? tag = null)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var report = await host.HealthAsync(tag);
            if (report.Status == HealthStatus.Healthy) return report;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("Not healthy: " + string.Join("; ", report.Entries.Select(e => $"{e.Key}={e.Value.Status} ({e.Value.Description})")));
            await Task.Delay(20);
        }
    }
}
