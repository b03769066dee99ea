using System.Text.Json.Nodes;
using Celeriac.Beat.Schedules;

namespace Celeriac.Tests.Beat.Schedules;

/// <summary>
/// Our crontab against Python Celery 5.2.6's (run once per test by /usr/bin/python3): the next run
/// after an instant is <c>now + crontab(...).remaining_estimate(last_run_at)</c> with
/// <c>last_run_at = now</c> — what beat computes right after a run — in zones without DST
/// (UTC, and the fixed offsets of Asia/Kolkata +05:30 and Asia/Tokyo +09:00).
/// </summary>
public sealed class CrontabParityTests
{
    private const int Specs = 2000;

    [Fact]
    public async Task Next_run_equals_celerys_for_random_specs_and_instants()
    {
        var generator = new CrontabSpecGenerator(20261207);
        var cases = new List<(string[] Fields, string Zone, DateTimeOffset At)>();
        for (var i = 0; i < Specs; i++)
        {
            var fields = generator.Spec();
            for (var j = 0; j < 2; j++)
                cases.Add((fields, generator.Pick("UTC", "UTC", "UTC", "Asia/Kolkata", "Asia/Tokyo"), generator.Instant()));
        }

        var answer = await PythonSchedules.AskAsync(new JsonObject
        {
            ["crontab"] = new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject
            {
                ["fields"] = new JsonArray([.. c.Fields.Select(f => (JsonNode)f)]),
                ["zone"] = c.Zone,
                ["at"] = c.At.ToString("O"),
            })]),
        });

        var python = answer["crontab"]!.AsArray();
        var mismatches = new List<string>();
        var compared = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var (fields, zone, at) = cases[i];
            var ours = Ours(fields, zone, at);
            var theirs = python[i]!["next"] is { } next ? DateTimeOffset.Parse((string)next!).ToString("O") : "error: " + (string)python[i]!["error"]!;
            // Celery accepts a spec that can never match (day 30 of February) and raises "unable to
            // rollover" when it evaluates it; we refuse it when it is parsed.
            var agree = ours == theirs
                || (ours.StartsWith("error", StringComparison.Ordinal) && theirs.StartsWith("error: parse", StringComparison.Ordinal))
                || (ours.StartsWith("error: crontab day_of_month", StringComparison.Ordinal) && theirs.StartsWith("error: runtime: RuntimeError", StringComparison.Ordinal));
            if (!agree) mismatches.Add($"crontab({string.Join(" | ", fields)}) in {zone} after {at:O}: ours {ours}, Celery {theirs}");
            if (!ours.StartsWith("error", StringComparison.Ordinal)) compared++;
        }
        mismatches.Should().BeEmpty();
        compared.Should().BeGreaterThan(1000, "most random specs are valid and compared instant for instant");
    }

    [Fact]
    public async Task A_west_of_utc_zone_differs_where_celery_skips_a_day()
    {
        // Celery tests "is this day before the last run" with midnight UTC of the day read in the zone
        // (schedules.py _delta_to_next, is_before_last_run), so at 20:00 in Bogota (-05:00, 01:00Z the
        // next day) it skips the 11th and names February. We give the 11th.
        var at = DateTimeOffset.Parse("2025-01-11T01:00:00Z");
        var answer = await PythonSchedules.AskAsync(new JsonObject
        {
            ["crontab"] = new JsonArray(new JsonObject { ["fields"] = new JsonArray("0", "9", "*", "11", "*"), ["zone"] = "America/Bogota", ["at"] = at.ToString("O") }),
        });
        ((string)answer["crontab"]![0]!["next"]!).Should().Be("2025-02-11T14:00:00+00:00");
        new CrontabSchedule("0", "9", "*", "11").GetNextRun(at, BeatTimeZones.Find("America/Bogota"))
            .Should().Be(DateTimeOffset.Parse("2025-01-11T14:00:00Z"));
    }

    private static string Ours(string[] f, string zone, DateTimeOffset at)
    {
        CrontabSchedule schedule;
        try
        {
            schedule = new CrontabSchedule(f[0], f[1], f[2], f[3], f[4]);
        }
        catch (FormatException e)
        {
            return "error: " + e.Message;
        }
        return schedule.GetNextRun(at, BeatTimeZones.Find(zone)) is { } next ? next.ToString("O") : "never";
    }
}
