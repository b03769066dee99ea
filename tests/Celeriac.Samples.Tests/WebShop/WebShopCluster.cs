using System.Diagnostics;
using Celeriac.Redis.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WebShop.Worker;

namespace Celeriac.Samples.Tests.WebShopTests;

/// <summary>
/// The shop as deployed, in this process: a private redis-server, the worker host
/// (samples/WebShop.Worker) and the web app (samples/WebShop) both pointed at it by the one setting
/// <c>Celeriac:BrokerUrl</c>, each with OpenTelemetry in-memory exporters beside its own exporters.
/// The web app runs no worker (Redis broker), so every task runs in the worker host.
/// </summary>
public sealed class WebShopCluster : IAsyncLifetime
{
    /// <summary>The worker host's node name, as its consumer spans carry it.</summary>
    public const string WorkerHostname = "webshop-worker@test";

    private RedisServer? _redis;

    /// <summary>The worker host.</summary>
    public WebApplicationFactory<WorkerStartup> Worker { get; private set; } = null!;

    /// <summary>The web app.</summary>
    public WebApplicationFactory<Program> Web { get; private set; } = null!;

    /// <summary>The web app's HTTP API.</summary>
    public ShopClient Shop { get; private set; } = null!;

    /// <summary>Spans the web app's tracer provider exported.</summary>
    public LockedList<Activity> WebSpans { get; } = new();

    /// <summary>Spans the worker host's tracer provider exported.</summary>
    public LockedList<Activity> WorkerSpans { get; } = new();

    /// <summary>Metrics the worker host's meter provider exported (on <see cref="WorkerMetricsNow"/>).</summary>
    public LockedList<MetricSnapshot> WorkerMetrics { get; } = new();

    /// <summary>The broker URL both apps use.</summary>
    public string BrokerUrl => _redis!.Url();

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        Worker = new WebApplicationFactory<WorkerStartup>().WithWebHostBuilder(host =>
        {
            PointAtRedis(host);
            host.UseSetting("Celeriac:Hostname", WorkerHostname);
            host.ConfigureServices(services => services
                .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(WorkerSpans))
                // Exported only when a test asks (ForceFlush), so a read sees one consistent export.
                .ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(WorkerMetrics,
                    reader => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue)));
        });
        Web = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            PointAtRedis(host);
            host.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(WebSpans)));
        });
        // Creating a client starts the host: the worker first, so it consumes before the first order.
        Worker.CreateClient().Dispose();
        Shop = new ShopClient(Web.CreateClient());
    }

    /// <summary>The worker host's meters as exported now: one export, all instruments.</summary>
    public List<MetricSnapshot> WorkerMetricsNow()
    {
        WorkerMetrics.Clear();
        Worker.Services.GetRequiredService<MeterProvider>().ForceFlush();
        return WorkerMetrics.Snapshot();
    }

    public async Task DisposeAsync()
    {
        Shop?.Http.Dispose();
        if (Web is not null) await Web.DisposeAsync();
        if (Worker is not null) await Worker.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }

    // The one setting the README tells users to set; the result backend follows it.
    private void PointAtRedis(IWebHostBuilder host) => host.UseSetting("Celeriac:BrokerUrl", BrokerUrl);
}
