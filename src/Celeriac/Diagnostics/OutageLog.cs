namespace Celeriac.Diagnostics;

/// <summary>
/// How a loop that keeps retrying a broker or store that is down logs it: the first failure of an outage
/// in full (with its exception), then one short line per interval while it lasts, then one line when it
/// ends. A beat retries every second and a worker every few: a stack trace for each attempt buried
/// everything else in the log (hundreds of them in a few minutes of a Redis outage). One loop owns one.
/// </summary>
internal sealed class OutageLog(TimeSpan repeatEvery)
{
    private DateTimeOffset _lastLogged;

    /// <summary>Failures since the last success.</summary>
    public int Failures { get; private set; }

    /// <summary>When the first failure of the current outage happened.</summary>
    public DateTimeOffset Since { get; private set; }

    /// <summary>Counts a failure at <paramref name="now"/> and says how to log it.</summary>
    public OutageLogAction Failed(DateTimeOffset now)
    {
        if (Failures++ == 0)
        {
            Since = _lastLogged = now;
            return OutageLogAction.First;
        }
        if (now - _lastLogged < repeatEvery) return OutageLogAction.Quiet;
        _lastLogged = now;
        return OutageLogAction.Repeat;
    }

    /// <summary>Ends the outage, if there was one; returns how many failures it had (0: none).</summary>
    public int Recovered()
    {
        var failures = Failures;
        Failures = 0;
        return failures;
    }
}
