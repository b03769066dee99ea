using Celeriac.Beat;
using Celeriac.Beat.Schedules;
using static Celeriac.Tests.Beat.Schedules.ScheduleRuns;

namespace Celeriac.Tests.Beat.Schedules;

/// <summary>Standard cron on Cronos (five fields, or six with seconds), one-off runs, and zone lookup.</summary>
public sealed class CronAndOneOffScheduleTests
{
    [Fact]
    public void Five_fields_are_minutes_and_six_add_seconds()
    {
        BeatSchedule.Cron("*/15 * * * *").GetNextRun(Utc("2026-12-07T10:00:00Z"), TimeZoneInfo.Utc).Should().Be(Utc("2026-12-07T10:15:00Z"));
        BeatSchedule.Cron("*/15 * * * * *").GetNextRun(Utc("2026-12-07T10:00:00Z"), TimeZoneInfo.Utc).Should().Be(Utc("2026-12-07T10:00:15Z"));
        BeatSchedule.Cron("0 9 * * MON-FRI").GetNextRun(Utc("2026-12-05T00:00:00Z"), BeatTimeZones.Find("Europe/Berlin")).Should().Be(Utc("2026-12-07T08:00:00Z"));
        BeatSchedule.Cron("@daily").GetNextRun(Utc("2026-12-07T10:00:00Z"), TimeZoneInfo.Utc).Should().Be(Utc("2026-12-08T00:00:00Z"));
        BeatSchedule.Cron("0 0 30 2 *").GetNextRun(Utc("2026-12-07T10:00:00Z"), TimeZoneInfo.Utc).Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("* * *")]
    [InlineData("61 * * * *")]
    [InlineData("* * * * * * *")]
    public void A_bad_expression_is_a_format_error_naming_it(string expression)
    {
        FluentActions.Invoking(() => BeatSchedule.Cron(expression)).Should().Throw<FormatException>().WithMessage($"cron expression '{expression}' is invalid: *");
    }

    [Fact]
    public void A_one_off_runs_once_at_its_instant()
    {
        var at = DateTimeOffset.Parse("2030-01-02T03:04:05+01:00");
        var schedule = BeatSchedule.At(at);
        schedule.GetNextRun(Utc("2030-01-01T00:00Z"), TimeZoneInfo.Utc).Should().Be(at).And.Subject!.Value.Offset.Should().Be(TimeSpan.Zero);
        schedule.GetNextRun(at, TimeZoneInfo.Utc).Should().BeNull();
        schedule.GetNextRun(at.AddDays(1), TimeZoneInfo.Utc).Should().BeNull();
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("utc")]
    [InlineData("Etc/UTC")]
    public void Utc_is_found_in_any_case(string id) => BeatTimeZones.Find(id).Should().BeSameAs(TimeZoneInfo.Utc);

    [Fact]
    public void Iana_zones_are_found_and_unknown_ones_named()
    {
        BeatTimeZones.Find("Australia/Lord_Howe").BaseUtcOffset.Should().Be(TimeSpan.FromHours(10.5));
        FluentActions.Invoking(() => BeatTimeZones.Find("Mars/Olympus")).Should().Throw<TimeZoneNotFoundException>().WithMessage("*'Mars/Olympus'*IANA*");
        FluentActions.Invoking(() => BeatTimeZones.Find("")).Should().Throw<TimeZoneNotFoundException>().WithMessage("*''*");
        BeatTimeZones.TryFind("Nowhere/Else", out _).Should().BeFalse();
        foreach (var odd in new[] { "../../etc/passwd", "/etc/localtime", "a\0b", " ", new string('x', 300) })
            FluentActions.Invoking(() => BeatTimeZones.Find(odd)).Should().Throw<TimeZoneNotFoundException>();
    }
}
