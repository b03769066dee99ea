using System.Text.Json.Nodes;
using Celeriac.Beat;
using Celeriac.Beat.Json;
using Celeriac.Beat.Schedules;

namespace Celeriac.Tests.Beat.Json;

/// <summary>Celery's <c>beat_schedule</c> shape read into entries, written back, and refused with the entry and field named.</summary>
public sealed class BeatEntryJsonTests
{
    private static BeatEntry Read(string json) => BeatEntryJson.Read("e", JsonNode.Parse(json));

    public static TheoryData<string> Entries => new()
    {
        """{"task": "t.add", "schedule": 1.0, "args": [1, "x"], "kwargs": {"y": 2}}""",
        """{"task": "t.add", "schedule": 3600, "relative": true}""",
        """{"task": "t.add", "schedule": 0.25, "missed": "skip", "paused": true}""",
        """{"task": "t.add", "schedule": {"crontab": {"minute": "30", "hour": "7", "day_of_week": "mon-fri"}}, "timezone": "Europe/Berlin", "missed": {"all": 5}}""",
        """{"task": "t.add", "schedule": {"crontab": {"minute": 0, "hour": [1, 13], "day_of_month": "*/3", "month_of_year": "1-12/2"}}, "missed": {"deadline": 120}}""",
        """{"task": "t.add", "schedule": {"cron": "*/15 * * * * *"}, "missed": "all"}""",
        """{"task": "t.add", "schedule": {"cron": "0 9 * * MON-FRI"}, "timezone": "America/New_York"}""",
        """{"task": "t.add", "schedule": {"at": "2030-01-02T03:04:05.123456+01:00"}, "missed": "once"}""",
        """{"task": "t.add", "schedule": 60, "options": {"queue": "q", "exchange": "ex", "routing_key": "rk", "priority": 7, "expires": 30, "headers": {"h": [1, {"a": null}]}, "time_limit": 10, "soft_time_limit": 5.5, "countdown": 2, "shadow": "s", "ignore_result": true}}""",
        """{"task": "t.add", "schedule": 60, "options": {"expires": "2030-01-01T00:00:00Z", "serializer": "json"}}""",
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void Every_kind_round_trips_through_write_and_read(string json)
    {
        var entry = Read(json);
        var written = BeatEntryJson.Write(entry);
        var again = BeatEntryJson.Read("e", JsonNode.Parse(written.ToJsonString()));

        BeatEntryJson.Write(again).ToJsonString().Should().Be(written.ToJsonString());
        again.Schedule.GetType().Should().Be(entry.Schedule.GetType());
        again.Should().BeEquivalentTo(entry, o => o.Excluding(e => e.Schedule).Excluding(e => e.Args).Excluding(e => e.Kwargs).Excluding(e => e.Options.Headers));
        var from = DateTimeOffset.Parse("2026-12-07T10:11:12.5Z");
        var zone = BeatTimeZones.Find(entry.TimeZone ?? "UTC");
        again.Schedule.GetNextRun(from, zone).Should().Be(entry.Schedule.GetNextRun(from, zone));
        again.Args.ToJsonString().Should().Be(entry.Args.ToJsonString());
        again.Kwargs.ToJsonString().Should().Be(entry.Kwargs.ToJsonString());
    }

    [Fact]
    public void Reads_celerys_shape_into_the_entry()
    {
        var entry = Read("""
            {"task": "t.report", "schedule": {"crontab": {"minute": "30", "hour": 7, "day_of_week": "mon-fri"}},
             "args": [16, 16], "kwargs": {"k": true}, "timezone": "Europe/Berlin", "missed": {"deadline": 90.5}, "paused": true,
             "options": {"queue": "reports", "expires": 10, "priority": 3, "headers": {"x": "y"}, "time_limit": 60}}
            """);
        entry.Name.Should().Be("e");
        entry.Task.Should().Be("t.report");
        entry.Schedule.Should().BeOfType<CrontabSchedule>().Which.Should().BeEquivalentTo(new { Minute = "30", Hour = "7", DayOfWeek = "mon-fri", DayOfMonth = "*", MonthOfYear = "*" });
        entry.Args.ToJsonString().Should().Be("[16,16]");
        entry.TimeZone.Should().Be("Europe/Berlin");
        entry.MissedRuns.Should().Be(MissedRunPolicy.Within(TimeSpan.FromSeconds(90.5)));
        entry.Paused.Should().BeTrue();
        entry.Options.Queue.Should().Be("reports");
        entry.Options.ExpiresIn.Should().Be(TimeSpan.FromSeconds(10));
        entry.Options.Expires.Should().BeNull();
        entry.Options.Priority.Should().Be(3);
        entry.Options.TimeLimit.Should().Be(TimeSpan.FromMinutes(1));
        entry.Options.Headers!["x"]!.ToString().Should().Be("y");
    }

    [Fact]
    public void Seconds_and_relative_make_an_interval_and_defaults_are_celerys()
    {
        var entry = Read("""{"task": "t", "schedule": 90.5, "relative": true}""");
        entry.Schedule.Should().BeOfType<IntervalSchedule>().Which.Should().BeEquivalentTo(new { Interval = TimeSpan.FromSeconds(90.5), Relative = true });
        entry.Args.Should().BeEmpty();
        entry.Kwargs.Should().BeEmpty();
        entry.MissedRuns.Should().Be(MissedRunPolicy.Once);
        entry.TimeZone.Should().BeNull();
        entry.Paused.Should().BeFalse();
        Read("""{"task": "t", "schedule": {"crontab": {}}}""").Schedule.Should().BeOfType<CrontabSchedule>().Which.Minute.Should().Be("*");
        Read("""{"task": "t", "schedule": 5, "missed": "all"}""").MissedRuns.Should().Be(MissedRunPolicy.All());
    }

    [Fact]
    public void A_schedule_object_reads_every_entry_in_order()
    {
        var entries = BeatEntryJson.ReadSchedule(JsonNode.Parse("""
            {"every-second": {"task": "interop.record", "schedule": 1.0, "args": ["beat:log", "tick"], "options": {"queue": "celery", "expires": 60}},
             "every-minute": {"task": "interop.add", "schedule": {"crontab": {"minute": "*"}}, "args": [1, 2]},
             "workdays": {"task": "interop.add", "schedule": {"crontab": {"minute": "30", "hour": "7", "day_of_week": "mon-fri"}}, "kwargs": {"x": 1, "y": 2}}}
            """));
        entries.Select(e => e.Name).Should().Equal("every-second", "every-minute", "workdays");
        BeatEntryJson.ReadSchedule(null).Should().BeEmpty();
        FluentActions.Invoking(() => BeatEntryJson.ReadSchedule(JsonNode.Parse("""{"": {"task": "t", "schedule": 1}}"""))).Should().Throw<FormatException>().WithMessage("*name*");
        FluentActions.Invoking(() => BeatEntryJson.ReadSchedule(JsonNode.Parse("[]"))).Should().Throw<FormatException>();
        FluentActions.Invoking(() => BeatEntryJson.ReadSchedule(JsonNode.Parse("""{"ok": {"task": "t", "schedule": 1}, "bad": {"task": "t"}}""")))
            .Should().Throw<FormatException>().WithMessage("*'bad'*schedule*");
    }

    [Theory]
    [InlineData("""[1]""", "*'e'*JSON object*")]
    [InlineData("""{"schedule": 1}""", "*'e'*\"task\"*")]
    [InlineData("""{"task": 5, "schedule": 1}""", "*'e'*\"task\"*")]
    [InlineData("""{"task": "t"}""", "*'e'*\"schedule\"*missing*")]
    [InlineData("""{"task": "t", "schedule": 0}""", "*'e'*\"schedule\"*positive*")]
    [InlineData("""{"task": "t", "schedule": -5}""", "*'e'*\"schedule\"*positive*")]
    [InlineData("""{"task": "t", "schedule": "60"}""", "*'e'*\"schedule\"*")]
    [InlineData("""{"task": "t", "schedule": {"crontab": {"minute": "60"}}}""", "*'e'*\"schedule\"*minute*'60'*")]
    [InlineData("""{"task": "t", "schedule": {"crontab": {"day_of_week": "-1"}}}""", "*'e'*\"schedule\"*day_of_week*negative*")]
    [InlineData("""{"task": "t", "schedule": {"crontab": {"month_of_year": "jan"}}}""", "*'e'*\"schedule\"*month_of_year*'jan'*")]
    [InlineData("""{"task": "t", "schedule": {"crontab": {"day_of_month": "30", "month_of_year": "2"}}}""", "*'e'*\"schedule\"*never*")]
    [InlineData("""{"task": "t", "schedule": {"crontab": {"minutes": "5"}}}""", "*'e'*\"schedule\"*minutes*")]
    [InlineData("""{"task": "t", "schedule": {"crontab": {"minute": 5.5}}}""", "*'e'*\"schedule\"*minute*")]
    [InlineData("""{"task": "t", "schedule": {"cron": "61 * * * *"}}""", "*'e'*\"schedule\"*'61 * * * *'*")]
    [InlineData("""{"task": "t", "schedule": {"cron": 5}}""", "*'e'*\"schedule\"*string*")]
    [InlineData("""{"task": "t", "schedule": {"at": "tomorrow"}}""", "*'e'*\"schedule\"*'tomorrow'*")]
    [InlineData("""{"task": "t", "schedule": {"at": "2030-01-01T00:00:00"}}""", "*'e'*\"schedule\"*offset*")]
    [InlineData("""{"task": "t", "schedule": {"solar": ["sunset", 1, 2]}}""", "*'e'*\"schedule\"*solar*")]
    [InlineData("""{"task": "t", "schedule": {"cron": "* * * * *", "at": "x"}}""", "*'e'*\"schedule\"*")]
    [InlineData("""{"task": "t", "schedule": {"cron": "* * * * *"}, "relative": true}""", "*'e'*\"relative\"*interval*")]
    [InlineData("""{"task": "t", "schedule": 1, "relative": "yes"}""", "*'e'*\"relative\"*")]
    [InlineData("""{"task": "t", "schedule": 1, "timezone": "Mars/Olympus"}""", "*'e'*\"timezone\"*'Mars/Olympus'*")]
    [InlineData("""{"task": "t", "schedule": 1, "args": {"a": 1}}""", "*'e'*\"args\"*list*")]
    [InlineData("""{"task": "t", "schedule": 1, "kwargs": [1]}""", "*'e'*\"kwargs\"*object*")]
    [InlineData("""{"task": "t", "schedule": 1, "missed": "twice"}""", "*'e'*\"missed\"*'twice'*")]
    [InlineData("""{"task": "t", "schedule": 1, "missed": {"all": 0}}""", "*'e'*\"missed\"*all*")]
    [InlineData("""{"task": "t", "schedule": 1, "missed": {"deadline": -1}}""", "*'e'*\"missed\"*deadline*")]
    [InlineData("""{"task": "t", "schedule": 1, "paused": 1}""", "*'e'*\"paused\"*")]
    [InlineData("""{"task": "t", "schedule": 1, "optoins": {}}""", "*'e'*\"optoins\"*unknown*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": []}""", "*'e'*\"options\"*object*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"task_id": "x"}}""", "*'e'*\"options\"*task_id*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"eta": "2030-01-01T00:00:00Z"}}""", "*'e'*\"options\"*eta*countdown*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"link": {}}}""", "*'e'*\"options\"*link*canvas*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"compression": "zlib"}}""", "*'e'*\"options\"*compression*supported*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"serializer": "pickle"}}""", "*'e'*\"options\"*serializer*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"priority": "high"}}""", "*'e'*\"options\"*priority*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"expires": true}}""", "*'e'*\"options\"*expires*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"expires": "soon"}}""", "*'e'*\"options\"*expires*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"queue": 5}}""", "*'e'*\"options\"*queue*string*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"headers": "x"}}""", "*'e'*\"options\"*headers*")]
    [InlineData("""{"task": "t", "schedule": 1, "options": {"time_limit": -1}}""", "*'e'*\"options\"*time_limit*")]
    public void Bad_input_is_refused_naming_the_entry_and_the_field(string json, string message)
    {
        FluentActions.Invoking(() => Read(json)).Should().Throw<FormatException>().WithMessage(message);
    }
}
