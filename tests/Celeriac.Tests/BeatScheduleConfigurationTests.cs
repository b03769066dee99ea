using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Beat;
using Celeriac.Beat.Schedules;
using Celeriac.Configuration;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Tests;

/// <summary>
/// <c>beat_schedule</c>, <c>timezone</c> and <c>beat_schedule_filename</c> bind from configuration
/// (appsettings.json) in Celery's shape: numbers and booleans come back typed although configuration
/// keeps only text, and a bad entry fails naming the entry.
/// </summary>
public sealed class BeatScheduleConfigurationTests
{
    private static CeleriacOptions BindJson(string json, string? section = null)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return CeleriacConfiguration.Bind(new CeleriacOptions(), section is null ? config : config.GetSection(section));
    }

    [Fact]
    public void Celerys_beat_schedule_binds_crontab_interval_and_options()
    {
        var o = BindJson("""
            {"timezone": "Europe/Berlin",
             "beat_schedule_filename": "/var/lib/app/beat.json",
             "beat_schedule": {
               "every-second": {"task": "interop.record", "schedule": 1.5, "args": ["beat:log", "tick"],
                                "options": {"queue": "celery", "expires": 60, "priority": 5, "headers": {"source": "beat"}}},
               "every-minute": {"task": "interop.add", "schedule": {"crontab": {"minute": "*"}}, "args": [1, 2]},
               "workdays":     {"task": "interop.add", "schedule": {"crontab": {"minute": "30", "hour": 7, "day_of_week": "mon-fri"}},
                                "kwargs": {"x": 1, "y": 2.5, "flag": true}},
               "hourly":       {"task": "reports.hourly", "schedule": 3600, "relative": true}
             }}
            """);

        o.Timezone.Should().Be("Europe/Berlin");
        o.BeatScheduleFilename.Should().Be("/var/lib/app/beat.json");
        o.BeatSchedule.Select(e => e.Name).Should().BeEquivalentTo(["every-second", "every-minute", "workdays", "hourly"]);

        var second = o.BeatSchedule.Single(e => e.Name == "every-second");
        second.Task.Should().Be("interop.record");
        second.Schedule.Should().BeOfType<IntervalSchedule>().Which.Interval.Should().Be(TimeSpan.FromSeconds(1.5));
        second.Args.ToJsonString().Should().Be("""["beat:log","tick"]""");
        second.Options.Queue.Should().Be("celery");
        second.Options.ExpiresIn.Should().Be(TimeSpan.FromSeconds(60), "Celery's expires in seconds counts from each publish");
        second.Options.Priority.Should().Be(5);
        second.Options.Headers.Should().ContainKey("source");
        second.Options.Headers!["source"]?.ToString().Should().Be("beat");

        var minute = o.BeatSchedule.Single(e => e.Name == "every-minute");
        var crontab = minute.Schedule.Should().BeOfType<CrontabSchedule>().Subject;
        (crontab.Minute, crontab.Hour, crontab.DayOfWeek, crontab.DayOfMonth, crontab.MonthOfYear).Should().Be(("*", "*", "*", "*", "*"));
        minute.Args.ToJsonString().Should().Be("[1,2]", "numbers stay numbers although configuration keeps text");

        var workdays = o.BeatSchedule.Single(e => e.Name == "workdays");
        var fields = workdays.Schedule.Should().BeOfType<CrontabSchedule>().Subject;
        (fields.Minute, fields.Hour, fields.DayOfWeek).Should().Be(("30", "7", "mon-fri"));
        workdays.Args.Should().BeEmpty();
        // Configuration sorts keys, so only the values are compared (kwargs go by name).
        JsonNode.DeepEquals(workdays.Kwargs, JsonNode.Parse("""{"x":1,"y":2.5,"flag":true}""")).Should().BeTrue(workdays.Kwargs.ToJsonString());
        workdays.Kwargs["x"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.Number);

        var hourly = o.BeatSchedule.Single(e => e.Name == "hourly");
        var interval = hourly.Schedule.Should().BeOfType<IntervalSchedule>().Subject;
        (interval.Interval, interval.Relative).Should().Be((TimeSpan.FromHours(1), true));
        hourly.MissedRuns.Should().Be(MissedRunPolicy.Once, "Celery's behaviour is the default");
    }

    [Fact]
    public void Dotnet_names_under_a_section_bind_with_our_fields_and_a_later_source_replaces_an_entry()
    {
        var config = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""
                {"Celeriac": {"Timezone": "America/New_York", "BeatSchedule": {
                  "sync":   {"task": "app.sync", "schedule": {"cron": "*/15 * * * * *"}, "missed": "skip"},
                  "report": {"task": "app.report", "schedule": {"crontab": {"minute": "0", "hour": "6"}},
                             "timezone": "Asia/Tokyo", "missed": {"all": 3}, "paused": true}}}}
                """)))
            // An environment variable (or any later source) overrides one field of one entry.
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Celeriac:BeatSchedule:sync:missed"] = "once" })
            .Build();

        var o = CeleriacConfiguration.Bind(new CeleriacOptions(), config.GetSection("Celeriac"));

        o.Timezone.Should().Be("America/New_York");
        var sync = o.BeatSchedule.Single(e => e.Name == "sync");
        sync.Schedule.Should().BeOfType<CronSchedule>().Which.Expression.Should().Be("*/15 * * * * *");
        sync.MissedRuns.Should().Be(MissedRunPolicy.Once);
        var report = o.BeatSchedule.Single(e => e.Name == "report");
        report.TimeZone.Should().Be("Asia/Tokyo");
        report.MissedRuns.Should().Be(MissedRunPolicy.All(3));
        report.Paused.Should().BeTrue();
    }

    [Fact]
    public async Task Configured_entries_are_the_apps_beat_entries_read_in_the_configured_zone()
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""
            {"broker_url": "memory://beat-config", "timezone": "Europe/Berlin",
             "beat_schedule": {"morning": {"task": "reports.morning", "schedule": {"crontab": {"minute": "0", "hour": "7"}}, "args": ["pdf"]}}}
            """))).Build();
        await using var app = CeleriacApp.Create(o => CeleriacConfiguration.Bind(o, config));

        var morning = app.Beat.Defined.Should().ContainSingle().Subject;
        morning.Name.Should().Be("morning");
        var info = (await app.Beat.ListAsync(nextRuns: 2)).Should().ContainSingle().Subject;
        info.NextRuns.Should().HaveCount(2);
        // 07:00 in Berlin is 06:00 or 05:00 UTC depending on the season, never 07:00 UTC.
        info.NextRuns.Select(r => r.Utc.Hour).Should().OnlyContain(h => h == 5 || h == 6, string.Join(", ", info.NextRuns.Select(r => r.Utc)));
    }

    [Fact]
    public void Binding_twice_replaces_entries_of_the_same_name_and_keeps_the_others()
    {
        var options = new CeleriacOptions();
        options.BeatSchedule.Add(new BeatEntry { Name = "from-code", Schedule = BeatSchedule.Every(TimeSpan.FromMinutes(1)), Task = "a" });
        options.BeatSchedule.Add(new BeatEntry { Name = "tick", Schedule = BeatSchedule.Every(TimeSpan.FromMinutes(1)), Task = "old" });
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["beat_schedule:tick:task"] = "new",
            ["beat_schedule:tick:schedule"] = "10",
        }).Build();

        CeleriacConfiguration.Bind(options, config);

        options.BeatSchedule.Select(e => (e.Name, e.Task)).Should().BeEquivalentTo([("from-code", "a"), ("tick", "new")]);
        options.BeatSchedule.Single(e => e.Name == "tick").Schedule.Should().BeOfType<IntervalSchedule>()
            .Which.Interval.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("""{"task": "x", "schedule": {"crontab": {"minute": "61"}}}""")]
    [InlineData("""{"task": "x", "schedule": "soon"}""")]
    [InlineData("""{"schedule": 10}""")]
    [InlineData("""{"task": "x", "schedule": 10, "missed": "sometimes"}""")]
    [InlineData("""{"task": "x", "schedule": 10, "timezone": "Mars/Olympus_Mons"}""")]
    public void A_bad_entry_fails_naming_the_setting_and_the_entry(string entry)
    {
        var act = () => BindJson("""{"beat_schedule": {"good": {"task": "x", "schedule": 5}, "nightly-broken": """ + entry + "}}");

        act.Should().Throw<FormatException>().Which.Message.Should().Contain("beat_schedule").And.Contain("nightly-broken");
    }

    [Fact]
    public void An_unknown_timezone_fails_naming_the_setting()
    {
        var act = () => BindJson("""{"timezone": "Europe/Atlantis"}""");

        act.Should().Throw<FormatException>().Which.Message.Should().Contain("timezone").And.Contain("Europe/Atlantis");
    }

    [Theory]
    [InlineData("")]
    [InlineData("None")]
    public void An_empty_beat_schedule_filename_keeps_state_in_memory(string value)
    {
        var o = BindJson($$"""{"beat_schedule_filename": "{{value}}"}""");

        o.BeatScheduleFilename.Should().BeNull();
    }
}
