namespace Celeriac.Beat.Schedules;

/// <summary>
/// Celery's <c>crontab</c> (docs/protocol.md §8.2): five fields in Celery's grammar — <c>*</c>,
/// <c>*/N</c>, <c>A</c>, <c>A-B</c>, <c>A-B/N</c>, comma lists, ranges that wrap
/// (<c>fri-mon</c>), day names by their first three letters, 0 = Sunday, months by number — all
/// five ANDed. Read in the entry's zone: a run in a spring-forward gap fires at the gap's end; in
/// a fall-back hour a fixed time (<c>30 2 * * *</c>) fires once and a series (minute or hour
/// written with <c>*</c>, a range or a step) in both passes.
/// </summary>
/// <remarks>
/// Why our own reading and not a translation to Cronos (which <see cref="CronSchedule"/> uses):
/// both AND day of month with day of week, and both step a wrapped range the same way, but the
/// grammars differ where a translation would change meaning or fail. Celery takes any word whose
/// first three letters name a day (<c>monday</c>, <c>Friday</c>) and in every field
/// (<c>minute='mon'</c> is 1), Python's <c>int()</c> forms (<c>' 5'</c>, <c>'1_0'</c>), steps of any
/// size (<c>*/100</c> is 0) and ignores text after a matched pattern (<c>1-5-9</c> is 1-5); it refuses
/// 7 for Sunday, month names and <c>A/N</c>, all of which Cronos accepts (Cronos's <c>5/15</c> is
/// 5-59/15), and Cronos reads numbers of two digits at most. Celery also keeps each field apart, so
/// a field with a space (<c>' 5'</c>) cannot be written into a one-line expression. So we parse
/// Celery's grammar ourselves (<see cref="CrontabParser"/>) and search the matched sets directly.
/// Where Celery itself has no rule (DST) we follow Cronos's.
/// </remarks>
public sealed class CrontabSchedule : BeatSchedule
{
    private readonly CrontabCalendar _calendar;
    private readonly bool _repeatsInFold;

    /// <summary>Parses the five fields; throws <see cref="FormatException"/> naming the field that does not parse.</summary>
    public CrontabSchedule(string minute = "*", string hour = "*", string dayOfWeek = "*", string dayOfMonth = "*", string monthOfYear = "*")
    {
        Minute = minute; Hour = hour; DayOfWeek = dayOfWeek; DayOfMonth = dayOfMonth; MonthOfYear = monthOfYear;
        var minutes = CrontabParser.Parse("minute", minute, 60, 0);
        var hours = CrontabParser.Parse("hour", hour, 24, 0);
        var daysOfWeek = CrontabParser.Parse("day_of_week", dayOfWeek, 7, 0);
        var daysOfMonth = CrontabParser.Parse("day_of_month", dayOfMonth, 31, 1);
        var months = CrontabParser.Parse("month_of_year", monthOfYear, 12, 1);
        _calendar = new CrontabCalendar(minutes, hours, daysOfWeek, daysOfMonth, months);
        _repeatsInFold = minutes.IsSeries || hours.IsSeries;
        Fields = [minutes, hours, daysOfWeek, daysOfMonth, months];
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

    /// <summary>The parsed fields: minute, hour, day of week, day of month, month.</summary>
    internal IReadOnlyList<CrontabField> Fields { get; }

    /// <inheritdoc />
    public override DateTimeOffset? GetNextRun(DateTimeOffset previous, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return WallClockRecurrence.Next(previous, zone, _repeatsInFold, _calendar.Next);
    }

    /// <inheritdoc />
    public override string ToString() => $"crontab({Minute} {Hour} {DayOfWeek} {DayOfMonth} {MonthOfYear})";
}
