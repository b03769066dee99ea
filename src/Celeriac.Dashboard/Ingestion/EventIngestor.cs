using Celeriac.Dashboard.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Events → store, while the host runs (<see cref="DashboardOptions.IngestEvents"/>): the receive loop fills a
/// bounded buffer, the batch writer empties it into the store, the enabler keeps workers sending, the enricher
/// adds the backend's whole results. On stop the receiver ends first and the writer writes what is buffered.
/// </summary>
internal sealed class EventIngestor(
    IServiceProvider services, IOptions<DashboardOptions> options, IDashboardStore store, StoreInitializer initializer,
    IngestionStats stats, DashboardChanges changes, ILoggerFactory loggers) : BackgroundService
{
    /// <summary>Events buffered at most between the broker and the store (about 2.5 s at 20,000 events a second).</summary>
    public const int BufferCapacity = 50_000;

    private readonly ILogger _logger = loggers.CreateLogger("Celeriac.Dashboard.Ingestion");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.IngestEvents) return;
        if (services.GetService<CeleriacApp>() is not { } app)
        {
            _logger.LogError("Dashboard ingestion is on but no CeleriacApp is registered (services.AddCeleriac(…)); no events will be stored");
            return;
        }
        await initializer.WaitAsync(stoppingToken).ConfigureAwait(false);

        var queue = new IngestQueue(BufferCapacity, stats, _logger);
        var enricher = CeleriacOptions.IsDisabled(app.Options.ResultBackend) ? null : new BackendEnricher(app, store, stats, _logger);
        var enabler = new WorkerEventsEnabler(app, o.EnableWorkerEvents, stats, _logger);
        var receive = new EventReceiveLoop(app, queue, stats, enabler, _logger);
        var writer = new BatchWriter(store, queue, stats, changes, enricher, new WorkerQueueGuess(services.GetService<Fleet.WorkerInspection>()), _logger);

        // The writer is not cancelled: it ends when the receive loop completes the buffer, after writing it.
        var writing = Task.Run(() => writer.RunAsync(stoppingToken), CancellationToken.None);
        using var background = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var enabling = enabler.RunAsync(background.Token);
        var enriching = enricher?.RunAsync(background.Token) ?? Task.CompletedTask;
        await receive.RunAsync(stoppingToken).ConfigureAwait(false);
        await writing.ConfigureAwait(false);
        await background.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(enabling, enriching).ConfigureAwait(false);
    }
}
