using Celeriac.Dashboard.Ingestion;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Celeriac.Dashboard.Tests.Infrastructure;

/// <summary>
/// A real ASP.NET Core app on Kestrel (127.0.0.1, a free port) with <c>AddCeleriac</c> on Redis, the dashboard mounted
/// at /celeriac and ingesting, and optionally a Celeriac worker in the same host — as a user would run it.
/// </summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    public const string CeleriacQueue = "dash.cx";

    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, Uri address)
    {
        _app = app;
        BaseAddress = address;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public CeleriacApp Celeriac => Services.GetRequiredService<CeleriacApp>();

    public IDashboardStore Store => Services.GetRequiredService<IDashboardStore>();

    public IngestionStats Stats => Services.GetRequiredService<IngestionStats>();

    public static async Task<DashboardHost> StartAsync(string brokerUrl, string backendUrl, Action<DashboardOptions> dashboard, bool worker = true, string workerName = "cx")
    {
        var builder = TestKestrel.CreateBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(Environment.GetEnvironmentVariable("DASH_TEST_LOG") == "1" ? LogLevel.Debug : LogLevel.Warning);
        var celeriac = builder.Services.AddCeleriac(o =>
        {
            o.BrokerUrl = brokerUrl;
            o.ResultBackend = backendUrl;
            o.TaskSendSentEvent = true;
        }).UseRedis();
        celeriac.AddTask("dash.cx.add", (int x, int y) => x + y);
        celeriac.AddTask("dash.cx.long", (int n) => new string('z', n));
        if (worker)
            celeriac.AddWorker(w =>
            {
                w.Queues = [CeleriacQueue];
                w.Hostname = $"{workerName}@dashboard-tests";
                w.Concurrency = 4;
                w.HeartbeatInterval = TimeSpan.FromSeconds(1);
                // On from the start: the worker may begin consuming after the dashboard's first enable_events broadcast
                // (the Python worker, started before the host, shows that broadcast at work).
                w.SendTaskEvents = true;
            });
        builder.Services.AddCeleriacDashboard(dashboard);
        var app = builder.Build();
        app.MapCeleriacDashboard("/celeriac");
        await app.StartAsync();
        await app.Services.GetRequiredService<StoreInitializer>().WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        // Events published before the ingestion's subscription are gone (pub/sub keeps none): a test that sends a task
        // at once on a loaded machine would wait for events that never come. So the host is ready once subscribed.
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DashboardOptions>>().Value.IngestEvents)
            await Poll.UntilAsync(() => Task.FromResult(app.Services.GetRequiredService<IngestionStats>().BrokerConnected), c => c, TimeSpan.FromSeconds(30));
        return new DashboardHost(app, TestKestrel.Loopback(app));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
