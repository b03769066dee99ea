using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// Folds the store's minute rollups (one per task name and queue) into the overview: one point per step (counts
/// summed, run-time and queue-wait percentiles read from the summed buckets), one row per task name and one per
/// queue over the whole window.
/// </summary>
internal static class OverviewBuilder
{
    public static Overview Build(OverviewWindow window, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<MinuteRollup> rollups, int workersOnline)
    {
        var steps = (int)((to - from).Ticks / window.Step.Ticks);
        var byStep = rollups.GroupBy(r => (int)((r.Minute - from).Ticks / window.Step.Ticks)).ToDictionary(g => g.Key, g => g.ToList());
        var series = new List<OverviewPoint>(steps);
        for (var i = 0; i < steps; i++)
        {
            var at = (from + window.Step * i).UtcDateTime;
            if (!byStep.TryGetValue(i, out var inStep))
            {
                series.Add(new OverviewPoint(at, 0, 0, 0, 0, null, null, null, null, null));
                continue;
            }
            var runtimes = RuntimeBuckets.Sum(inStep);
            var waits = RuntimeBuckets.SumWaits(inStep);
            series.Add(new OverviewPoint(at, inStep.Sum(r => r.Succeeded), inStep.Sum(r => r.Failed), inStep.Sum(r => r.Retried), inStep.Sum(r => r.Received),
                Percentile(runtimes, 50), Percentile(runtimes, 95), Percentile(runtimes, 99), Percentile(waits, 50), Percentile(waits, 95)));
        }
        var byTask = rollups.GroupBy(r => r.TaskName, StringComparer.Ordinal)
            .Select(g => Totals(g.Key, g)).Select(t => new OverviewTaskRow(t.Key, t.Succeeded, t.Failed, t.FailureRate, t.RuntimeP50, t.RuntimeP95, t.WaitP50, t.WaitP95));
        var byQueue = rollups.Where(r => r.Queue is not null).GroupBy(r => r.Queue!, StringComparer.Ordinal)
            .Select(g => Totals(g.Key, g)).Select(t => new OverviewQueueRow(t.Key, t.Succeeded, t.Failed, t.FailureRate, t.RuntimeP50, t.RuntimeP95, t.WaitP50, t.WaitP95));
        return new Overview(from.UtcDateTime, to.UtcDateTime, window.Step.TotalSeconds, workersOnline, series,
            byTask.OrderByDescending(r => r.Succeeded + r.Failed).ThenBy(r => r.Name, StringComparer.Ordinal).ToList(),
            byQueue.OrderByDescending(r => r.Succeeded + r.Failed).ThenBy(r => r.Queue, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// The bucket bound of a percentile; the open last bucket (longer than 60 s) reads as its lower bound, since JSON
    /// has no infinity and "at least 60 s" is what is known.
    /// </summary>
    public static double? Percentile(IReadOnlyList<long> counts, double percentile) =>
        RuntimeBuckets.Percentile(counts, percentile) is { } p ? double.IsPositiveInfinity(p) ? RuntimeBuckets.UpperBounds[^2] : p : null;

    private static GroupTotals Totals(string key, IEnumerable<MinuteRollup> group)
    {
        var rollups = group.ToList();
        var runtimes = RuntimeBuckets.Sum(rollups);
        var waits = RuntimeBuckets.SumWaits(rollups);
        long succeeded = rollups.Sum(r => r.Succeeded), failed = rollups.Sum(r => r.Failed);
        var rate = succeeded + failed == 0 ? 0 : (double)failed / (succeeded + failed);
        return new GroupTotals(key, succeeded, failed, rate, Percentile(runtimes, 50), Percentile(runtimes, 95), Percentile(waits, 50), Percentile(waits, 95));
    }

    private sealed record GroupTotals(string Key, long Succeeded, long Failed, double FailureRate, double? RuntimeP50, double? RuntimeP95, double? WaitP50, double? WaitP95);
}
