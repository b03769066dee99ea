namespace Celeriac.Tasks;

/// <summary>Celery's autoretry countdown (SPEC §5.6, celery/app/autoretry.py and <c>get_exponential_backoff_interval</c>).</summary>
internal static class RetryBackoff
{
    /// <summary>
    /// <c>factor = int(max(1, base))</c>; <c>countdown = min(max, factor * 2^retries)</c>; with
    /// jitter a random integer in <c>[0, countdown]</c>; never negative.
    /// </summary>
    public static TimeSpan Countdown(double backoffBase, int retries, TimeSpan max, bool jitter, Random? random = null)
    {
        var factor = (long)Math.Max(1.0, backoffBase);
        var countdown = Math.Min(max.TotalSeconds, factor * Math.Pow(2, retries));
        if (jitter) countdown = (random ?? Random.Shared).NextInt64(0, (long)countdown + 1);
        return TimeSpan.FromSeconds(Math.Max(0, Math.Floor(countdown)));
    }
}
