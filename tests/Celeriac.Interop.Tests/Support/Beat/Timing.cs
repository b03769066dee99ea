namespace Celeriac.Interop.Tests.Support.Beat;

/// <summary>Waiting for an instant to within a millisecond or so, and percentiles for reports.</summary>
internal static class Timing
{
    /// <summary>Sleeps until shortly before <paramref name="target"/>, then spins to it (Task.Delay alone can be late by a tick).</summary>
    public static async Task UntilAsync(DateTimeOffset target)
    {
        var early = target - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(20);
        if (early > TimeSpan.Zero) await Task.Delay(early);
        while (DateTimeOffset.UtcNow < target) Thread.SpinWait(50);
    }

    /// <summary>The nearest-rank percentile (0..100) of <paramref name="values"/>.</summary>
    public static double Percentile(IEnumerable<double> values, double percent)
    {
        var sorted = values.OrderBy(v => v).ToList();
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
