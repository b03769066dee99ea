namespace Celeriac.Dashboard.Store;

/// <summary>The run-time histogram's buckets and the percentile read from them.</summary>
public static class RuntimeBuckets
{
    /// <summary>Upper bounds in seconds; the last bucket holds everything longer than the one before.</summary>
    public static IReadOnlyList<double> UpperBounds { get; } =
        [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, double.PositiveInfinity];

    /// <summary>The bucket of a run time.</summary>
    public static int IndexOf(double seconds)
    {
        for (var i = 0; i < UpperBounds.Count - 1; i++)
            if (seconds <= UpperBounds[i]) return i;
        return UpperBounds.Count - 1;
    }

    /// <summary>The upper bound of the bucket holding the <paramref name="percentile"/> (0..100) run time; null without data.</summary>
    public static double? Percentile(IReadOnlyList<long> counts, double percentile)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        if (total == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(total * percentile / 100));
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            seen += counts[i];
            if (seen >= rank) return UpperBounds[i];
        }
        return UpperBounds[^1];
    }

    /// <summary>Sums the run-time counts of several rollups (a window).</summary>
    public static long[] Sum(IEnumerable<MinuteRollup> rollups) => Sum(rollups, r => r.RuntimeCounts);

    /// <summary>Sums the queue-wait counts of several rollups (a window).</summary>
    public static long[] SumWaits(IEnumerable<MinuteRollup> rollups) => Sum(rollups, r => r.WaitCounts);

    private static long[] Sum(IEnumerable<MinuteRollup> rollups, Func<MinuteRollup, IReadOnlyList<long>> counts)
    {
        ArgumentNullException.ThrowIfNull(rollups);
        var sum = new long[UpperBounds.Count];
        foreach (var r in rollups)
        {
            var c = counts(r);
            for (var i = 0; i < sum.Length; i++) sum[i] += c[i];
        }
        return sum;
    }
}
