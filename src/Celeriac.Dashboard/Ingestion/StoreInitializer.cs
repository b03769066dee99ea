using Celeriac.Dashboard.Store;
using Celeriac.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Creates or upgrades the store's schema once, at start, retrying while the database is unreachable (a
/// PostgreSQL that is not up yet), so the host starts either way; ingestion and retention wait for it.
/// </summary>
internal sealed class StoreInitializer(IDashboardStore store, ILogger<StoreInitializer> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the schema is in place.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var outage = new OutageLog(TimeSpan.FromMinutes(5));
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.InitializeAsync(stoppingToken).ConfigureAwait(false);
                if (outage.Recovered() > 0) logger.LogInformation("Dashboard store: initialised after {Since:O}", outage.Since);
                _ready.TrySetResult();
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                switch (outage.Failed(DateTimeOffset.UtcNow))
                {
                    case OutageLogAction.First: logger.LogError(ex, "Dashboard store: cannot initialise ({Error}); retrying", ex.Message); break;
                    case OutageLogAction.Repeat: logger.LogWarning("Dashboard store: still cannot initialise since {Since:O} ({Error})", outage.Since, ex.Message); break;
                }
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
