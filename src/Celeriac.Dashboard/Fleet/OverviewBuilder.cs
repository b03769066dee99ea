using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// Folds the store's minute rollups into the overview: one point per step (counts summed, percentiles read from the
/// summed run-time buckets) and one row per task name over the whole window.
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
                series.Add(new OverviewPoint(at, 0, 0, 0, null, null, null, null, null, null));
                continue;
            }
            var counts = RuntimeBuckets.Sum(inStep);
            series.Add(new OverviewPoint(at, inStep.Sum(r => r.Succeeded), inStep.Sum(r => r.Failed), inStep.Sum(r => r.Retried), null,
                Percentile(counts, 50), Percentile(counts, 95), Percentile(counts, 99), null, null));
        }
        var byTask = rollups.GroupBy(r => r.TaskName, StringComparer.Ordinal).Select(g =>
        {
            var counts = RuntimeBuckets.Sum(g);
            long succeeded = g.Sum(r => r.Succeeded), failed = g.Sum(r => r.Failed);
            return new OverviewTaskRow(g.Key, succeeded, failed, FailureRate(succeeded, failed), Percentile(counts, 50), Percentile(counts, 95), null, null);
        }).OrderByDescending(r => r.Succeeded + r.Failed).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        return new Overview(from.UtcDateTime, to.UtcDateTime, window.Step.TotalSeconds, workersOnline, series, byTask, []);
    }

    public static double FailureRate(long succeeded, long failed) => succeeded + failed == 0 ? 0 : (double)failed / (succeeded + failed);

    /// <summary>
    /// The bucket bound of a percentile; the open last bucket (longer than 60 s) reads as its lower bound, since JSON
    /// has no infinity and "at least 60 s" is what is known.
    /// </summary>
    public static double? Percentile(IReadOnlyList<long> counts, double percentile) =>
        RuntimeBuckets.Percentile(counts, percentile) is { } p ? double.IsPositiveInfinity(p) ? RuntimeBuckets.UpperBounds[^2] : p : null;
}
