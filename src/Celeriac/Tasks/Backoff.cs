namespace Celeriac.Tasks;

/// <summary>
/// Celery's <c>retry_backoff</c>: off, on (<c>true</c> = a base of 1 s), or a base in seconds.
/// Assign <c>true</c>, <c>false</c> or a number: <c>o.RetryBackoff = true;</c> <c>o.RetryBackoff = 5;</c>
/// </summary>
/// <param name="BaseSeconds">The factor in seconds; 0 means off.</param>
public readonly record struct Backoff(double BaseSeconds)
{
    /// <summary>No exponential backoff: autoretries wait <see cref="TaskOptions.DefaultRetryDelay"/>.</summary>
    public static Backoff Off => default;

    /// <summary>True when backoff is on.</summary>
    public bool IsOn => BaseSeconds > 0;

    /// <summary><c>true</c> is a base of 1 s, <c>false</c> is off.</summary>
    public static implicit operator Backoff(bool on) => new(on ? 1 : 0);

    /// <summary>A base in seconds.</summary>
    public static implicit operator Backoff(double baseSeconds) => new(baseSeconds);

    /// <summary>
    /// Celery's countdown (docs/protocol.md §5.6): <c>factor = int(max(1, base))</c>;
    /// <c>min(max, factor * 2^retries)</c>; with jitter a random integer in <c>[0, that]</c>.
    /// </summary>
    public TimeSpan Countdown(int retries, TimeSpan max, bool jitter, Random? random = null)
    {
        var factor = (long)Math.Max(1.0, BaseSeconds);
        var countdown = Math.Min(max.TotalSeconds, factor * Math.Pow(2, retries));
        if (jitter) countdown = (random ?? Random.Shared).NextInt64(0, (long)countdown + 1);
        return TimeSpan.FromSeconds(Math.Max(0, Math.Floor(countdown)));
    }
}
