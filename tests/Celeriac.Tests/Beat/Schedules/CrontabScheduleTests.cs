using System.Diagnostics;
using Celeriac.Beat;
using Celeriac.Beat.Schedules;
using static Celeriac.Tests.Beat.Schedules.ScheduleRuns;

namespace Celeriac.Tests.Beat.Schedules;

/// <summary>Celery's crontab semantics by example, its errors, and the cost of a search.</summary>
public sealed class CrontabScheduleTests
{
    [Fact]
    public void Day_of_month_and_day_of_week_are_anded()
    {
        // Friday the 13th at midnight (Unix cron would OR them: every Friday and every 13th).
        var runs = Between(BeatSchedule.Crontab("0", "0", "fri", "13"), TimeZoneInfo.Utc, Utc("2026-01-01T00:00Z"), Utc("2027-01-01T00:00Z"));
        runs.Should().Equal(Utc("2026-02-13T00:00Z"), Utc("2026-03-13T00:00Z"), Utc("2026-11-13T00:00Z"));
    }

    [Fact]
    public void Wrapping_day_ranges_and_sunday_zero()
    {
        var schedule = BeatSchedule.Crontab("0", "12", "fri-mon");
        var runs = Between(schedule, TimeZoneInfo.Utc, Utc("2026-12-07T13:00Z"), Utc("2026-12-15T00:00Z")); // Monday 7 December
        runs.Select(r => r.DayOfWeek).Should().Equal(DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday, DayOfWeek.Monday);
        BeatSchedule.Crontab("0", "0", "0").GetNextRun(Utc("2026-12-07T00:00Z"), TimeZoneInfo.Utc).Should().Be(Utc("2026-12-13T00:00Z"));
        BeatSchedule.Crontab(dayOfWeek: "*/2").Fields[2].Values.Should().Equal(0, 2, 4, 6);
        BeatSchedule.Crontab(dayOfMonth: "*/3").Fields[3].Values.Should().Equal(1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31);
    }

    [Fact]
    public void The_next_run_is_strictly_after_the_previous_one()
    {
        var schedule = BeatSchedule.Crontab("*/15");
        schedule.GetNextRun(Utc("2026-12-07T10:15:00Z"), TimeZoneInfo.Utc).Should().Be(Utc("2026-12-07T10:30:00Z"));
        schedule.GetNextRun(Utc("2026-12-07T10:14:59.9999999Z"), TimeZoneInfo.Utc).Should().Be(Utc("2026-12-07T10:15:00Z"));
        schedule.GetNextRun(Utc("2026-12-31T23:45:00Z"), TimeZoneInfo.Utc).Should().Be(Utc("2027-01-01T00:00:00Z"));
    }

    [Fact]
    public void A_rare_date_is_found_in_a_few_jumps()
    {
        // 29 February on a Monday: 2044 after 2016. A scan minute by minute would take ~15 million steps.
        var schedule = BeatSchedule.Crontab("0", "0", "mon", "29", "2");
        var clock = Stopwatch.StartNew();
        DateTimeOffset? next = null;
        for (var i = 0; i < 1000; i++) next = schedule.GetNextRun(Utc("2016-03-01T00:00Z"), TimeZoneInfo.Utc);
        clock.Stop();
        next.Should().Be(Utc("2044-02-29T00:00Z"));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "1,000 searches over 28 years jump by month and day");
    }

    [Theory]
    [InlineData("30", "2")]
    [InlineData("31", "4,6,9,11")]
    [InlineData("30-31", "2")]
    public void A_date_that_never_exists_is_refused_when_parsed(string dayOfMonth, string month)
    {
        // Celery accepts it and raises "unable to rollover" at every evaluation.
        FluentActions.Invoking(() => BeatSchedule.Crontab("0", "0", "*", dayOfMonth, month))
            .Should().Throw<FormatException>().WithMessage("*day_of_month*month_of_year*never*");
    }

    [Fact]
    public void Leap_day_alone_is_valid()
    {
        BeatSchedule.Crontab("0", "0", "*", "29", "2").GetNextRun(Utc("2026-01-01T00:00Z"), TimeZoneInfo.Utc).Should().Be(Utc("2028-02-29T00:00Z"));
    }

    [Theory]
    [InlineData("60", "*", "*", "*", "*", "minute")]
    [InlineData("*", "24", "*", "*", "*", "hour")]
    [InlineData("*", "*", "7", "*", "*", "day_of_week")]
    [InlineData("*", "*", "*", "0", "*", "day_of_month")]
    [InlineData("*", "*", "*", "*", "13", "month_of_year")]
    [InlineData("-1", "*", "*", "*", "*", "minute")]
    [InlineData("*", "*", "funday", "*", "*", "day_of_week")]
    [InlineData("*", "*", "*", "*", "jan", "month_of_year")]
    [InlineData("*/0", "*", "*", "*", "*", "minute")]
    public void Errors_name_the_field_and_its_value(string minute, string hour, string dow, string dom, string month, string field)
    {
        var value = new[] { minute, hour, dow, dom, month }.First(v => v != "*");
        FluentActions.Invoking(() => BeatSchedule.Crontab(minute, hour, dow, dom, month))
            .Should().Throw<FormatException>().WithMessage($"crontab {field} '{value}' is invalid: *");
    }

    [Fact]
    public void Null_fields_and_zones_are_argument_errors()
    {
        FluentActions.Invoking(() => BeatSchedule.Crontab(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => BeatSchedule.Crontab().GetNextRun(DateTimeOffset.UtcNow, null!)).Should().Throw<ArgumentNullException>();
    }
}
