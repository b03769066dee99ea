using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Beat.Schedules;

namespace Celeriac.Tests.Beat.Schedules;

/// <summary>
/// Each field spec means to us what it means to Celery 5.2.6's <c>crontab._expand_cronspec</c>:
/// the same set of values, or a refusal of what Celery refuses — hand-picked corners of its
/// grammar and a few thousand random strings over its alphabet.
/// </summary>
public sealed class CrontabGrammarParityTests
{
    private static readonly (string Name, int Max, int Min)[] Fields =
        [("minute", 60, 0), ("hour", 24, 0), ("day_of_week", 7, 0), ("day_of_month", 31, 1), ("month_of_year", 12, 1)];

    private static readonly string[] Corners =
    [
        "*", "*/15", "*/1", "*/0", "*/", "*/x", "*/100", "*/5 x", "*/5/3", "*\n", "* ", "**", "*,*", "",
        ",", "1,", ",1", "1,,2", "0", "59", "60", "-1", "-0", " -0", " 5", "5 ", "+5", "1_0", "1__0", "_1", "1_",
        "05", "٣", "²", "1-5", "5-1", "1-5-9", "1-5/2", "1-5/", "1-5/0", "1-5/-2", "1-/5", "-1-5", "1 - 5", "1-5 x",
        "5/15", "a-b", "mon", "Mon", "MONDAY", "monkey", "mo", "sun", "sat", "fri-mon", "fri-mon/2", "mon-fri",
        "sun-sat/2", "tue,thu", "7", "0-6", "6-0", "jan", "1-12/3", "2-12/2", "12-1", "31", "32", "1-31/3",
        "0-23/4", "23-1", "22-2/3", "1,13,30-45,50-59/2", "0,8-17/2", "mon-fri,sun", "x", "1.5", "1e1", "0x1",
    ];

    [Fact]
    public async Task Every_field_expands_or_fails_as_in_celery()
    {
        var random = new Random(7);
        const string alphabet = "0123456789*/-,_ +monfriSATu";
        var specs = Corners.Concat(Enumerable.Range(0, 3000).Select(_ =>
        {
            var text = new StringBuilder();
            for (var n = random.Next(1, 8); n > 0; n--) text.Append(alphabet[random.Next(alphabet.Length)]);
            return text.ToString();
        })).ToList();
        var cases = specs.SelectMany(spec => Fields.Select(field => (spec, field))).ToList();

        var answer = await PythonSchedules.AskAsync(new JsonObject
        {
            ["parse"] = new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject { ["spec"] = c.spec, ["max"] = c.field.Max, ["min"] = c.field.Min })]),
        });

        var python = answer["parse"]!.AsArray();
        var mismatches = new List<string>();
        var accepted = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var (spec, (name, max, min)) = cases[i];
            string ours;
            try
            {
                ours = string.Join(",", CrontabParser.Parse(name, spec, max, min).Values);
                accepted++;
            }
            catch (FormatException e)
            {
                e.Message.Should().Contain(name).And.Contain($"'{spec}'");
                ours = "error";
            }
            var theirs = python[i]!["values"] is JsonArray values ? string.Join(",", values.Select(v => (int)v!)) : "error";
            if (ours != theirs) mismatches.Add($"{name} '{spec}': ours {ours}, Celery {theirs} {python[i]!["error"]}");
        }
        mismatches.Should().BeEmpty();
        accepted.Should().BeGreaterThan(1000);
    }
}
