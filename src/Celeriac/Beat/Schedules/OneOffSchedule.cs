namespace Celeriac.Beat.Schedules;

/// <summary>One run at <see cref="Instant"/>.</summary>
public sealed class OneOffSchedule : BeatSchedule
{
    /// <summary>Creates a one-off schedule.</summary>
    public OneOffSchedule(DateTimeOffset instant) => Instant = instant;

    /// <summary>When it runs.</summary>
    public DateTimeOffset Instant { get; }

    /// <inheritdoc />
    public override DateTimeOffset? GetNextRun(DateTimeOffset previous, TimeZoneInfo zone) => previous < Instant ? Instant.ToUniversalTime() : null;
}
