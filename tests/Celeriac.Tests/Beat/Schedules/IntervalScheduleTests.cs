using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Beat;
using Celeriac.Beat.Schedules;
using static Celeriac.Tests.Beat.Schedules.ScheduleRuns;

namespace Celeriac.Tests.Beat.Schedules;

/// <summary>Intervals: exact from the last scheduled instant; with <c>relative</c>, rounded as Celery 5.2.6 rounds.</summary>
public sealed class IntervalScheduleTests
{
    [Fact]
    public void The_next_run_is_the_previous_plus_the_interval_with_no_drift()
    {
        var start = Utc("2026-12-07T10:00:00.123Z");
        var runs = Between(BeatSchedule.Every(TimeSpan.FromSeconds(10)), TimeZoneInfo.Utc, start, start.AddHours(1));
        runs.Should().HaveCount(360);
        runs[^1].Should().Be(start.AddHours(1));
        FluentActions.Invoking(() => BeatSchedule.Every(TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
        BeatSchedule.Every(TimeSpan.FromDays(1)).GetNextRun(DateTimeOffset.MaxValue.AddHours(-1), TimeZoneInfo.Utc).Should().BeNull();
    }

    [Theory]
    [InlineData(5400, "2026-12-07T10:17:42.5Z", "2026-12-07T11:00:00Z")]      // 1.5 h → rounded to the hour
    [InlineData(86400, "2026-12-07T10:17:42Z", "2026-12-08T00:00:00Z")]       // a day → midnight
    [InlineData(90, "2026-12-07T10:17:42.5Z", "2026-12-07T10:19:00Z")]         // 90 s → the minute
    [InlineData(30, "2026-12-07T10:17:42.5Z", "2026-12-07T10:18:12Z")]         // under a minute → whole seconds
    public void Relative_rounds_down_to_the_intervals_resolution(double seconds, string from, string expected)
    {
        BeatSchedule.Every(TimeSpan.FromSeconds(seconds), relative: true).GetNextRun(Utc(from), TimeZoneInfo.Utc).Should().Be(Utc(expected));
    }

    [Fact]
    public void Relative_rounds_in_the_zones_wall_clock()
    {
        // An hourly relative interval in Kolkata (+05:30) fires on local hours, which are half past in UTC.
        BeatSchedule.Every(TimeSpan.FromHours(1), relative: true).GetNextRun(Utc("2026-12-07T10:17:00Z"), BeatTimeZones.Find("Asia/Kolkata"))
            .Should().Be(Utc("2026-12-07T10:30:00Z"));
    }

    [Fact]
    public async Task Relative_rounding_equals_celerys_for_random_intervals_and_instants()
    {
        var random = new Random(5);
        long[] fixedMicros = [500_000, 1_000_000, 59_900_000, 60_000_000, 90_000_000, 3_599_000_000, 3_600_000_000, 5_400_000_000, 86_399_000_000, 86_400_000_000, 90_000_000_000, 604_800_000_000];
        var cases = new List<(long Micros, string Zone, DateTimeOffset At)>();
        for (var i = 0; i < 1000; i++)
        {
            var micros = i < fixedMicros.Length * 4 ? fixedMicros[i % fixedMicros.Length] : (long)(Math.Pow(10, random.NextDouble() * 6.5) * 1_000_000);
            var at = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 365 * 30) / 10 * 10);
            cases.Add((micros, random.Next(3) switch { 0 => "UTC", 1 => "Asia/Kolkata", _ => "Asia/Tokyo" }, at));
        }

        var answer = await PythonSchedules.AskAsync(new JsonObject
        {
            ["relative"] = new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject
            {
                ["seconds"] = JsonNode.Parse((c.Micros / 1e6).ToString("R", CultureInfo.InvariantCulture)),
                ["zone"] = c.Zone,
                ["at"] = c.At.ToString("O"),
            })]),
        });

        var python = answer["relative"]!.AsArray();
        var mismatches = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var (micros, zone, at) = cases[i];
            var ours = BeatSchedule.Every(TimeSpan.FromTicks(micros * 10), relative: true).GetNextRun(at, BeatTimeZones.Find(zone));
            var theirs = DateTimeOffset.Parse((string)python[i]!["next"]!, CultureInfo.InvariantCulture);
            // Under a second Celery may round back to or before the last run ("due at once"); a
            // run after the previous one is then the next whole second.
            if (theirs <= at) theirs = theirs.AddSeconds(1);
            if (ours != theirs) mismatches.Add($"every {micros} µs relative in {zone} after {at:O}: ours {ours:O}, Celery {theirs:O}");
        }
        mismatches.Should().BeEmpty();
    }

    [Fact]
    public void Relative_daily_runs_at_local_midnight_across_dst()
    {
        var berlin = BeatTimeZones.Find("Europe/Berlin");
        var runs = Between(BeatSchedule.Every(TimeSpan.FromDays(1), relative: true), berlin, Utc("2025-03-28T23:00Z"), Utc("2025-04-01T00:00Z"));
        // Local midnights: +01:00 before the change, +02:00 after it.
        runs.Should().Equal(Utc("2025-03-29T23:00Z"), Utc("2025-03-30T22:00Z"), Utc("2025-03-31T22:00Z"));
    }
}
