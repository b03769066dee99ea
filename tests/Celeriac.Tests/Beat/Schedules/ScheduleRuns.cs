using Celeriac.Beat;

namespace Celeriac.Tests.Beat.Schedules;

/// <summary>Runs of a schedule, each from the one before, as the beat plans them.</summary>
internal static class ScheduleRuns
{
    public static List<DateTimeOffset> Between(BeatSchedule schedule, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to, int max = 10_000)
    {
        var runs = new List<DateTimeOffset>();
        var previous = from;
        while (runs.Count < max && schedule.GetNextRun(previous, zone) is { } next && next <= to)
        {
            next.Should().BeAfter(previous, $"{schedule} must move forward after {previous:O}");
            next.Offset.Should().Be(TimeSpan.Zero, "runs are given in UTC");
            runs.Add(next);
            previous = next;
        }
        return runs;
    }

    public static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();
}
