using Celeriac.Dashboard.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Prunes the store by <see cref="DashboardOptions.Retention"/> (tasks by age and count, rollups by age) and
/// offline workers by <see cref="DashboardOptions.OfflineWorkerRetention"/>, at start and every
/// <see cref="Interval"/>, in the process that ingests (a dashboard reading another's store leaves it alone).
/// A failure is logged and tried again at the next turn.
/// </summary>
internal sealed class RetentionLoop(IOptions<DashboardOptions> options, IDashboardStore store, StoreInitializer initializer, ILogger<RetentionLoop> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.IngestEvents) return;
        try
        {
            await initializer.WaitAsync(stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(Interval);
            do
            {
                await PruneOnceAsync(o, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    internal async Task PruneOnceAsync(DashboardOptions o, CancellationToken cancellationToken)
    {
        try
        {
            var policy = o.Retention with { Now = DateTimeOffset.UtcNow, OfflineWorkerRetention = o.OfflineWorkerRetention };
            var started = DateTimeOffset.UtcNow;
            var deleted = await store.PruneAsync(policy, cancellationToken).ConfigureAwait(false);
            if (deleted > 0) logger.LogInformation("Dashboard retention: deleted {Count} task(s) in {Elapsed:F1} s", deleted, (DateTimeOffset.UtcNow - started).TotalSeconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Dashboard retention: pruning failed ({Error}); trying again in {Interval}", ex.Message, Interval);
        }
    }
}
