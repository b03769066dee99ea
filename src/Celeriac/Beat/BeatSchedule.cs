using Celeriac.Beat.Schedules;

namespace Celeriac.Beat;

/// <summary>
/// When a periodic entry runs: an interval (<see cref="Every"/>), Celery's <c>crontab</c>
/// (<see cref="Crontab"/>), a standard cron string (<see cref="Cron"/>) or one instant
/// (<see cref="At"/>). A schedule is a pure function of time: given the entry's last scheduled
/// instant it names the next one, read in the entry's time zone.
/// </summary>
/// <example>
/// <code>
/// app.Beat.Add("cleanup", BeatSchedule.Every(TimeSpan.FromMinutes(5)), "tasks.cleanup");
/// app.Beat.Add("report", BeatSchedule.Crontab(minute: "30", hour: "7", dayOfWeek: "mon-fri"), "tasks.report");
/// app.Beat.Add("sync", BeatSchedule.Cron("*/15 * * * * *"), "tasks.sync"); // with seconds
/// </code>
/// </example>
public abstract class BeatSchedule
{
    private protected BeatSchedule() { }

    /// <summary>
    /// The first scheduled instant strictly after <paramref name="previous"/> (the entry's last
    /// scheduled instant, or the moment the entry was first seen), in UTC; null when the schedule
    /// never runs again. Wall-clock schedules are read in <paramref name="zone"/>: a run in a
    /// spring-forward gap moves to the gap's end; at fall-back a fixed-time run fires once and a
    /// stepped one in both hours.
    /// </summary>
    public abstract DateTimeOffset? GetNextRun(DateTimeOffset previous, TimeZoneInfo zone);

    /// <summary>Every <paramref name="interval"/>, counted from the last scheduled instant (Celery's <c>schedule(run_every)</c>); <paramref name="relative"/> rounds each due time down to the interval's resolution, as Celery's <c>relative=True</c>.</summary>
    public static IntervalSchedule Every(TimeSpan interval, bool relative = false) => new(interval, relative);

    /// <summary>Celery's <c>crontab(minute, hour, day_of_week, day_of_month, month_of_year)</c>: its grammar, 0 = Sunday, all five fields ANDed.</summary>
    public static CrontabSchedule Crontab(string minute = "*", string hour = "*", string dayOfWeek = "*", string dayOfMonth = "*", string monthOfYear = "*") =>
        new(minute, hour, dayOfWeek, dayOfMonth, monthOfYear);

    /// <summary>A standard cron expression (five fields, or six with seconds first), read by Cronos.</summary>
    public static CronSchedule Cron(string expression) => new(expression);

    /// <summary>One run at <paramref name="instant"/>.</summary>
    public static OneOffSchedule At(DateTimeOffset instant) => new(instant);
}
