namespace Celeriac.Beat.Schedules;

/// <summary>Celery's <c>crontab</c> (docs/protocol.md §8.2).</summary>
public sealed class CrontabSchedule : BeatSchedule
{
    /// <summary>Parses the five fields; throws <see cref="FormatException"/> naming the field that does not parse.</summary>
    public CrontabSchedule(string minute = "*", string hour = "*", string dayOfWeek = "*", string dayOfMonth = "*", string monthOfYear = "*")
    {
        Minute = minute; Hour = hour; DayOfWeek = dayOfWeek; DayOfMonth = dayOfMonth; MonthOfYear = monthOfYear;
    }

    /// <summary>The minute field as written.</summary>
    public string Minute { get; }
    /// <summary>The hour field as written.</summary>
    public string Hour { get; }
    /// <summary>The day-of-week field as written (0 = Sunday).</summary>
    public string DayOfWeek { get; }
    /// <summary>The day-of-month field as written.</summary>
    public string DayOfMonth { get; }
    /// <summary>The month field as written.</summary>
    public string MonthOfYear { get; }

    /// <inheritdoc />
    public override DateTimeOffset? GetNextRun(DateTimeOffset previous, TimeZoneInfo zone) => throw new NotImplementedException();
}
