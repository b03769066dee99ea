namespace Celeriac.RateLimiting;

/// <summary>
/// Celery's token bucket (kombu's <c>TokenBucket</c>, capacity 1 by default): tokens refill
/// continuously at the rate; a caller that finds none learns how long until the next one.
/// Not thread-safe; its owner serialises access.
/// </summary>
internal sealed class TokenBucket
{
    private readonly TimeProvider _clock;
    private readonly double _capacity;
    private double _tokens;
    private DateTimeOffset _last;

    public TokenBucket(RateLimit rate, TimeProvider clock, double capacity = 1)
    {
        Rate = rate;
        _clock = clock;
        _capacity = capacity;
        _tokens = capacity;
        _last = clock.GetUtcNow();
    }

    public RateLimit Rate { get; private set; }

    /// <summary>Takes a token if one is there.</summary>
    public bool TryTake()
    {
        if (!Rate.IsLimited) return true;
        Refill();
        // A hair of tolerance: refills are computed in floating point.
        if (_tokens < 1 - 1e-9) return false;
        _tokens = Math.Max(0, _tokens - 1);
        return true;
    }

    /// <summary>How long until a token is there (zero when one is).</summary>
    public TimeSpan UntilNextToken()
    {
        if (!Rate.IsLimited) return TimeSpan.Zero;
        Refill();
        if (_tokens >= 1 - 1e-9) return TimeSpan.Zero;
        // Round up to whole ticks so a timer set for this moment never fires a hair too early.
        return TimeSpan.FromTicks((long)Math.Ceiling((1 - _tokens) / Rate.PerSecond * TimeSpan.TicksPerSecond));
    }

    /// <summary>Changes the rate (the <c>rate_limit</c> control command), keeping the tokens earned so far.</summary>
    public void SetRate(RateLimit rate)
    {
        Refill();
        Rate = rate;
    }

    private void Refill()
    {
        var now = _clock.GetUtcNow();
        var elapsed = (now - _last).TotalSeconds;
        _last = now;
        if (elapsed > 0) _tokens = Math.Min(_capacity, _tokens + elapsed * Rate.PerSecond);
    }
}
