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

    /// <summary>
    /// <paramref name="previous"/> + <see cref="Interval"/>, exact in UTC whatever the zone does.
    /// With <see cref="Relative"/>, that instant rounded down in <paramref name="zone"/>'s wall
    /// clock as Celery's <c>remaining(..., relative=True)</c> does (celery/utils/time.py
    /// <c>delta_resolution</c>): to the day for an interval of a day or more, the hour for an hour
    /// or more, the minute for a minute or more, and always to the whole second. An interval under a
    /// second that rounds back to <paramref name="previous"/> or before (Celery: due at once) gives
    /// the next whole second.
    /// </summary>
    public override DateTimeOffset? GetNextRun(DateTimeOffset previous, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (previous.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - Interval.Ticks) return null;
        var due = previous.ToUniversalTime() + Interval;
        if (!Relative) return due;

        var local = TimeZoneInfo.ConvertTime(due, zone);
        var rounded = Round(local.DateTime);
        // Keep the due time's own offset when the rounded wall time still has it (the usual case,
        // and the reading Celery's fixed-offset arithmetic gives); across a transition, map it anew.
        var instant = new DateTimeOffset(rounded, local.Offset);
        if (TimeZoneInfo.ConvertTime(instant, zone).Offset != local.Offset)
            instant = ZoneWallClock.ToInstant(zone, rounded);
        instant = instant.ToUniversalTime();
        if (instant > previous) return instant;
        // Only an interval under a second rounds back to or before the previous run; Celery then
        // finds it due at once. A run must come after the previous one: the next whole second.
        var utc = previous.UtcTicks;
        return new DateTimeOffset(utc - utc % TimeSpan.TicksPerSecond + TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private DateTime Round(DateTime wall)
    {
        var resolution = Interval.TotalSeconds switch
        {
            >= 86400 => TimeSpan.TicksPerDay,
            >= 3600 => TimeSpan.TicksPerHour,
            >= 60 => TimeSpan.TicksPerMinute,
            _ => TimeSpan.TicksPerSecond,
        };
        return new DateTime(wall.Ticks - wall.Ticks % resolution, DateTimeKind.Unspecified);
    }

    /// <inheritdoc />
    public override string ToString() => Relative ? $"every {Interval} (relative)" : $"every {Interval}";
}
