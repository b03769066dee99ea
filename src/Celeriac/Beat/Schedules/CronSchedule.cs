namespace Celeriac.Beat.Schedules;

/// <summary>A standard cron expression with optional seconds, read by Cronos.</summary>
public sealed class CronSchedule : BeatSchedule
{
    /// <summary>Parses <paramref name="expression"/>; throws <see cref="FormatException"/> when it does not parse.</summary>
    public CronSchedule(string expression) => Expression = expression;

    /// <summary>The expression as written.</summary>
    public string Expression { get; }

    /// <inheritdoc />
    public override DateTimeOffset? GetNextRun(DateTimeOffset previous, TimeZoneInfo zone) => throw new NotImplementedException();
}
