namespace Celeriac.Redis.Client;

/// <summary>
/// Delay before the next connection attempt: none after a connection is lost (a restarted server
/// is often back at once), then 50 ms doubling to a 2 s cap while attempts keep failing. Each delay
/// is jittered down to half, so a fleet of workers does not reconnect in lockstep.
/// </summary>
internal sealed class ReconnectBackoff
{
    public static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    private long _nextAttemptAt; // Environment.TickCount64

    /// <summary>Failed attempts since the last success.</summary>
    public int Failures { get; private set; }

    /// <summary>How long until the next attempt may start (zero if now).</summary>
    public TimeSpan Remaining => TimeSpan.FromMilliseconds(Math.Max(0, _nextAttemptAt - Environment.TickCount64));

    public void Succeeded()
    {
        Failures = 0;
        _nextAttemptAt = 0;
    }

    public void Failed()
    {
        Failures++;
        var delay = Delay(Failures).TotalMilliseconds;
        _nextAttemptAt = Environment.TickCount64 + (long)(delay * (0.5 + Random.Shared.NextDouble() / 2));
    }

    /// <summary>The delay after <paramref name="failures"/> failures in a row, before jitter.</summary>
    public static TimeSpan Delay(int failures)
    {
        if (failures <= 0) return TimeSpan.Zero;
        var doubled = MinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, MaxDelay.TotalMilliseconds));
    }
}
