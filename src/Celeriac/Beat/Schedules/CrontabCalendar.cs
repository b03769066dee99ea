namespace Celeriac.Beat.Schedules;

/// <summary>
/// The minutes of the wall-clock calendar a crontab matches: all five fields must match (AND, as
/// Celery; docs/protocol.md §8.2). Searches jump field by field — month, day, hour, minute — so a
/// yearly spec costs a few steps, not a scan of every minute.
/// </summary>
internal sealed class CrontabCalendar
{
    // A spec that can match at all (checked by the constructor) matches within one 400-year
    // Gregorian cycle: every (month, day) that exists falls on every weekday within 28 years.
    private const int MaxYearsAhead = 400;

    private readonly CrontabField _minute, _hour, _dayOfWeek, _dayOfMonth, _month;

    public CrontabCalendar(CrontabField minute, CrontabField hour, CrontabField dayOfWeek, CrontabField dayOfMonth, CrontabField month)
    {
        _minute = minute; _hour = hour; _dayOfWeek = dayOfWeek; _dayOfMonth = dayOfMonth; _month = month;
        // Celery accepts day_of_month='30', month_of_year='2' and then raises "unable to rollover"
        // whenever it evaluates it; we refuse it here, once, with the reason.
        if (!_month.Values.Any(m => _dayOfMonth.First <= DateTime.DaysInMonth(2000, m)))
            throw new FormatException(
                $"crontab day_of_month '{string.Join(",", _dayOfMonth.Values)}' never falls in month_of_year '{string.Join(",", _month.Values)}': the schedule would never run");
    }

    /// <summary>Whether the minute containing <paramref name="wall"/> matches.</summary>
    public bool Matches(DateTime wall) =>
        _minute.Contains(wall.Minute) && _hour.Contains(wall.Hour) && _month.Contains(wall.Month)
        && _dayOfMonth.Contains(wall.Day) && _dayOfWeek.Contains((int)wall.DayOfWeek);

    /// <summary>
    /// The first matching whole minute after <paramref name="from"/> (at it too when
    /// <paramref name="inclusive"/> and it is a whole minute); null past year 9999.
    /// </summary>
    public DateTime? Next(DateTime from, bool inclusive)
    {
        var floor = new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerMinute);
        DateTime start;
        if (inclusive && floor == from) start = floor;
        else if (floor.Ticks > DateTime.MaxValue.Ticks - TimeSpan.TicksPerMinute) return null;
        else start = floor.AddMinutes(1);

        var date = start.Date;
        var hour = start.Hour;
        var minute = start.Minute;
        while (true)
        {
            if (NextDate(date) is not { } day) return null;
            if (day != date) return day.AddHours(_hour.First).AddMinutes(_minute.First);
            if (TimeOfDayAtOrAfter(hour, minute) is { } time) return day + time;
            if (day == DateTime.MaxValue.Date) return null;
            date = day.AddDays(1);
            hour = 0;
            minute = 0;
        }
    }

    private TimeSpan? TimeOfDayAtOrAfter(int hour, int minute)
    {
        var h = _hour.AtOrAfter(hour);
        if (h == hour)
        {
            var m = _minute.AtOrAfter(minute);
            if (m >= 0) return new TimeSpan(h, m, 0);
            h = _hour.AtOrAfter(hour + 1);
        }
        return h >= 0 ? new TimeSpan(h, _minute.First, 0) : null;
    }

    // The first date on or after `date` whose month, day of month and day of week all match.
    private DateTime? NextDate(DateTime date)
    {
        var year = date.Year;
        var month = date.Month;
        var day = date.Day;
        var lastYear = Math.Min(9999, year + MaxYearsAhead);
        while (year <= lastYear)
        {
            var m = _month.AtOrAfter(month);
            if (m < 0)
            {
                year++;
                month = 1;
                day = 1;
                continue;
            }
            if (m != month) day = 1;
            month = m;
            var daysInMonth = DateTime.DaysInMonth(year, month);
            for (var d = _dayOfMonth.AtOrAfter(day); d >= 0 && d <= daysInMonth; d = _dayOfMonth.AtOrAfter(d + 1))
            {
                var candidate = new DateTime(year, month, d);
                if (_dayOfWeek.Contains((int)candidate.DayOfWeek)) return candidate;
            }
            day = 1;
            if (++month > 12)
            {
                month = 1;
                year++;
            }
        }
        return null;
    }
}
