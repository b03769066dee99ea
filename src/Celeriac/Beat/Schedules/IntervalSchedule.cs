namespace Celeriac.Beat.Schedules;

/// <summary>Every <see cref="Interval"/> from the last scheduled instant (Celery's <c>schedule</c>), anchored to scheduled instants, so it never drifts.</summary>
public sealed class IntervalSchedule : BeatSchedule
{
    /// <summary>Creates an interval schedule.</summary>
    public IntervalSchedule(TimeSpan interval, bool relative = false)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "An interval must be positive.");
        Interval = interval;
        Relative = relative;
    }

    /// <summary>The time between runs.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Celery's <c>relative</c>: round each due time down to the interval's resolution (days, hours, minutes or seconds).</summary>
    public bool Relative { get; }

    /// <inheritdoc />
    public override DateTimeOffset? GetNextRun(DateTimeOffset previous, TimeZoneInfo zone) => throw new NotImplementedException();
}
