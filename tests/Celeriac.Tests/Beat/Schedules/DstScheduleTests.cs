using Celeriac.Beat;
using Celeriac.Beat.Schedules;
using static Celeriac.Tests.Beat.Schedules.ScheduleRuns;

namespace Celeriac.Tests.Beat.Schedules;

/// <summary>
/// The DST rules, for Celery crontab and Cronos cron alike: a run in a spring-forward gap fires at
/// the gap's end; at fall-back a fixed time fires once (its first occurrence) and a series
/// (<c>*</c>, range or step in minute or hour) in both passes; intervals stay exact in UTC.
/// Berlin (1 h), New York (1 h) and Lord Howe (30 min) in 2025.
/// </summary>
public sealed class DstScheduleTests
{
    public static TheoryData<string, string, string, string, string[]> Cases => new()
    {
        // zone, minute, hour, window start (UTC), expected runs in the next 30 hours (UTC)
        { "Europe/Berlin", "30", "2", "2025-03-29T12:00Z", ["2025-03-30T01:00Z"] },
        { "Europe/Berlin", "30", "2", "2025-10-25T12:00Z", ["2025-10-26T00:30Z"] },
        { "America/New_York", "30", "2", "2025-03-08T12:00Z", ["2025-03-09T07:00Z"] },
        { "America/New_York", "30", "1", "2025-11-01T12:00Z", ["2025-11-02T05:30Z"] },
        { "Australia/Lord_Howe", "15", "2", "2025-10-04T00:00Z", ["2025-10-04T15:30Z"] },
        { "Australia/Lord_Howe", "45", "1", "2025-04-05T00:00Z", ["2025-04-05T14:45Z"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_fixed_time_fires_once_on_a_transition_day(string zone, string minute, string hour, string from, string[] expected)
    {
        var tz = BeatTimeZones.Find(zone);
        var start = Utc(from);
        var end = start.AddHours(30);
        var want = expected.Select(Utc).ToList();
        Between(BeatSchedule.Crontab(minute, hour), tz, start, end).Should().Equal(want);
        Between(BeatSchedule.Cron($"{minute} {hour} * * *"), tz, start, end).Should().Equal(want);
        Between(BeatSchedule.Cron($"0 {minute} {hour} * * *"), tz, start, end).Should().Equal(want);
    }

    [Theory]
    [InlineData("Europe/Berlin", "*/30", "2025-10-25T23:00Z", new[] { "2025-10-25T23:30Z", "2025-10-26T00:00Z", "2025-10-26T00:30Z", "2025-10-26T01:00Z", "2025-10-26T01:30Z", "2025-10-26T02:00Z" })]
    [InlineData("America/New_York", "*/30", "2025-11-02T04:30Z", new[] { "2025-11-02T05:00Z", "2025-11-02T05:30Z", "2025-11-02T06:00Z", "2025-11-02T06:30Z", "2025-11-02T07:00Z" })]
    [InlineData("Australia/Lord_Howe", "*/15", "2025-04-05T14:15Z", new[] { "2025-04-05T14:30Z", "2025-04-05T14:45Z", "2025-04-05T15:00Z", "2025-04-05T15:15Z", "2025-04-05T15:30Z" })]
    public void A_stepped_entry_fires_in_both_passes_of_the_fall_back_hour(string zone, string minute, string from, string[] expected)
    {
        var tz = BeatTimeZones.Find(zone);
        var start = Utc(from);
        var end = Utc(expected[^1]);
        var want = expected.Select(Utc).ToList();
        Between(BeatSchedule.Crontab(minute), tz, start, end).Should().Equal(want);
        Between(BeatSchedule.Cron($"{minute} * * * *"), tz, start, end).Should().Equal(want);
    }

    [Theory]
    [InlineData("Europe/Berlin", "*/30", "2025-03-30T00:00Z", new[] { "2025-03-30T00:30Z", "2025-03-30T01:00Z", "2025-03-30T01:30Z" })]
    [InlineData("America/New_York", "*/30", "2025-03-09T06:00Z", new[] { "2025-03-09T06:30Z", "2025-03-09T07:00Z", "2025-03-09T07:30Z" })]
    [InlineData("Australia/Lord_Howe", "*/10", "2025-10-04T15:10Z", new[] { "2025-10-04T15:20Z", "2025-10-04T15:30Z", "2025-10-04T15:40Z" })]
    public void Stepped_runs_in_the_spring_gap_fire_once_at_its_end(string zone, string minute, string from, string[] expected)
    {
        var tz = BeatTimeZones.Find(zone);
        var start = Utc(from);
        var want = expected.Select(Utc).ToList();
        Between(BeatSchedule.Crontab(minute), tz, start, Utc(expected[^1])).Should().Equal(want);
        Between(BeatSchedule.Cron($"{minute} * * * *"), tz, start, Utc(expected[^1])).Should().Equal(want);
    }

    [Fact]
    public void A_fixed_list_of_times_fires_once_each_but_an_hour_range_repeats()
    {
        var berlin = BeatTimeZones.Find("Europe/Berlin");
        var start = Utc("2025-10-25T22:00Z");
        var end = Utc("2025-10-26T03:00Z");
        // 0,30 in hour 2: no '*', range or step — fires at its first occurrences only.
        Between(BeatSchedule.Crontab("0,30", "2"), berlin, start, end).Should().Equal(Utc("2025-10-26T00:00Z"), Utc("2025-10-26T00:30Z"));
        // Hour written as a range (Cronos's rule: a range makes a series) repeats in the second pass.
        Between(BeatSchedule.Crontab("0", "2-3"), berlin, start, end).Should().Equal(Utc("2025-10-26T00:00Z"), Utc("2025-10-26T01:00Z"), Utc("2025-10-26T02:00Z"));
        Between(BeatSchedule.Cron("0 2-3 * * *"), berlin, start, end).Should().Equal(Utc("2025-10-26T00:00Z"), Utc("2025-10-26T01:00Z"), Utc("2025-10-26T02:00Z"));
    }

    [Theory]
    [InlineData("Europe/Berlin", "2025-10-25T22:00Z")]
    [InlineData("Europe/Berlin", "2025-03-29T22:00Z")]
    [InlineData("America/New_York", "2025-11-02T03:00Z")]
    [InlineData("Australia/Lord_Howe", "2025-04-05T12:00Z")]
    [InlineData("Australia/Lord_Howe", "2025-10-04T12:00Z")]
    public void Intervals_stay_exact_in_utc_across_transitions(string zone, string from)
    {
        var start = Utc(from);
        var runs = Between(BeatSchedule.Every(TimeSpan.FromMinutes(20)), BeatTimeZones.Find(zone), start, start.AddHours(8));
        runs.Should().HaveCount(24);
        runs.Select((r, i) => r - start - TimeSpan.FromMinutes(20 * (i + 1))).Should().AllSatisfy(d => d.Should().Be(TimeSpan.Zero));
    }

    [Fact]
    public void Crontab_and_cronos_agree_around_2025_transitions_for_random_specs()
    {
        // The grammar both read alike (numbers, *, */N, A-B, A-B/N, lists); our DST rules must give Cronos's runs.
        var random = new Random(42);
        var windows = new (string Zone, string From)[]
        {
            ("Europe/Berlin", "2025-03-29T20:00Z"), ("Europe/Berlin", "2025-10-25T20:00Z"),
            ("America/New_York", "2025-03-09T02:00Z"), ("America/New_York", "2025-11-02T01:00Z"),
            ("Australia/Lord_Howe", "2025-10-04T10:00Z"), ("Australia/Lord_Howe", "2025-04-05T10:00Z"),
            // Transitions at midnight (Santiago, Havana, Beirut) and Dublin's negative "daylight" time in tzdata.
            ("America/Santiago", "2025-04-05T22:00Z"), ("America/Santiago", "2025-09-06T22:00Z"),
            ("America/Havana", "2025-03-09T00:00Z"), ("America/Havana", "2025-11-02T00:00Z"),
            ("Asia/Beirut", "2025-03-29T16:00Z"), ("Asia/Beirut", "2025-10-25T16:00Z"),
            ("Europe/Dublin", "2025-03-29T20:00Z"), ("Europe/Dublin", "2025-10-25T20:00Z"),
        };
        var compared = 0;
        for (var i = 0; i < 1400; i++)
        {
            var (zone, from) = windows[i % windows.Length];
            var minute = Field(random, 0, 59);
            var hour = random.NextDouble() < 0.5 ? Field(random, 0, 23) : random.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var tz = BeatTimeZones.Find(zone);
            var start = Utc(from);
            var ours = Between(BeatSchedule.Crontab(minute, hour), tz, start, start.AddHours(12));
            var cron = Between(BeatSchedule.Cron($"{minute} {hour} * * *"), tz, start, start.AddHours(12));
            ours.Should().Equal(cron, $"crontab({minute} {hour}) in {zone} from {from}");
            // Cronos's own zone handling, independent of ours, except where .NET misreports the fold (Dublin).
            if (zone != "Europe/Dublin")
                ours.Should().Equal(CronosRuns($"{minute} {hour} * * *", tz, start, start.AddHours(12)), $"Cronos: {minute} {hour} in {zone} from {from}");
            compared += ours.Count;
        }
        compared.Should().BeGreaterThan(1000);
    }

    [Fact]
    public void Dublin_repeats_a_stepped_entry_where_dotnet_reports_no_ambiguous_hour()
    {
        // tzdata gives Dublin a negative "daylight" time, and .NET on Linux then says 01:30 on
        // 2025-10-26 is not ambiguous; Cronos alone skips the second pass. We read offsets.
        var dublin = BeatTimeZones.Find("Europe/Dublin");
        var start = Utc("2025-10-26T00:30Z");
        var end = Utc("2025-10-26T02:00Z");
        string[] both = ["2025-10-26T00:45Z", "2025-10-26T01:00Z", "2025-10-26T01:15Z", "2025-10-26T01:30Z", "2025-10-26T01:45Z", "2025-10-26T02:00Z"];
        Between(BeatSchedule.Crontab("*/15"), dublin, start, end).Should().Equal(both.Select(Utc));
        Between(BeatSchedule.Cron("*/15 * * * *"), dublin, start, end).Should().Equal(both.Select(Utc));
        Between(BeatSchedule.Crontab("30", "1"), dublin, Utc("2025-10-25T12:00Z"), Utc("2025-10-26T12:00Z")).Should().Equal(Utc("2025-10-26T00:30Z"));
        Between(BeatSchedule.Crontab("30", "1"), dublin, Utc("2025-03-29T12:00Z"), Utc("2025-03-30T12:00Z")).Should().Equal(Utc("2025-03-30T01:00Z"));
    }

    [Theory]
    [InlineData("*/20 */30 * * * *", "Europe/Berlin", "2025-10-25T23:45Z")]
    [InlineData("*/20 */30 * * * *", "Europe/Berlin", "2025-03-30T00:45Z")]
    [InlineData("0 30 2 * * *", "Europe/Berlin", "2025-10-25T23:45Z")]
    [InlineData("15 */10 1 * * *", "America/New_York", "2025-11-02T04:45Z")]
    [InlineData("30 * * * * *", "Australia/Lord_Howe", "2025-04-05T14:20Z")]
    public void Six_field_cron_with_seconds_follows_cronos_across_transitions(string expression, string zone, string from)
    {
        var tz = BeatTimeZones.Find(zone);
        var start = Utc(from);
        var runs = Between(BeatSchedule.Cron(expression), tz, start, start.AddHours(3));
        runs.Should().NotBeEmpty().And.Equal(CronosRuns(expression, tz, start, start.AddHours(3), Cronos.CronFormat.IncludeSeconds));
    }

    private static List<DateTimeOffset> CronosRuns(string expression, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to, Cronos.CronFormat format = Cronos.CronFormat.Standard)
    {
        var cron = Cronos.CronExpression.Parse(expression, format);
        var runs = new List<DateTimeOffset>();
        for (var next = cron.GetNextOccurrence(from, zone); next is { } n && n <= to; next = cron.GetNextOccurrence(n, zone))
            runs.Add(n.ToUniversalTime());
        return runs;
    }

    private static string Field(Random random, int first, int last)
    {
        string Value() => random.Next(first, last + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return random.Next(5) switch
        {
            0 => "*",
            1 => $"*/{random.Next(1, Math.Min(last, 30) + 1)}",
            2 => $"{Value()}-{Value()}",
            3 => $"{Value()}-{Value()}/{random.Next(1, Math.Min(last, 20) + 1)}",
            _ => string.Join(",", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Value()).Distinct()),
        };
    }
}
