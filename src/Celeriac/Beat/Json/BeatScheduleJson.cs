using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Beat.Schedules;
using Celeriac.Protocol.Json;
using static Celeriac.Beat.Json.BeatEntryJson;

namespace Celeriac.Beat.Json;

/// <summary>
/// An entry's <c>schedule</c>: a number of seconds (Celery's interval), <c>{"crontab": {...}}</c>
/// with Celery's five fields (each <c>"*"</c> when absent; a string, a whole number or a list of
/// them), <c>{"cron": "expression"}</c> or <c>{"at": "ISO instant with offset"}</c>.
/// </summary>
internal static class BeatScheduleJson
{
    private static readonly string[] CrontabFields = ["minute", "hour", "day_of_week", "day_of_month", "month_of_year"];

    public static BeatSchedule Read(string name, JsonNode? node, bool relative)
    {
        if (node is null) throw Error(name, "schedule", "missing; give seconds, {\"crontab\": {...}}, {\"cron\": \"...\"} or {\"at\": \"...\"}");
        if (node.GetValueKind() == JsonValueKind.Number)
        {
            var seconds = CeleryJson.AsDouble(node)!.Value;
            if (!(seconds > 0) || !double.IsFinite(seconds) || seconds * TimeSpan.TicksPerSecond >= long.MaxValue)
                throw Error(name, "schedule", $"an interval must be a positive number of seconds, not {Describe(node)}");
            return new IntervalSchedule(Seconds(seconds), relative);
        }
        if (relative) throw Error(name, "relative", "applies to an interval (a number of seconds) only, as in Celery");
        if (node is not JsonObject { Count: 1 } o)
            throw Error(name, "schedule", $"give seconds, {{\"crontab\": {{...}}}}, {{\"cron\": \"...\"}} or {{\"at\": \"...\"}}, not {Describe(node)}");

        var (kind, value) = o.First();
        try
        {
            return kind switch
            {
                "crontab" => ReadCrontab(name, value),
                "cron" when value is JsonValue v && v.TryGetValue<string>(out var expression) => new CronSchedule(expression),
                "at" when value is JsonValue v && v.TryGetValue<string>(out var text) => new OneOffSchedule(Instant(name, text)),
                "cron" or "at" => throw Error(name, "schedule", $"\"{kind}\" takes a string, not {Describe(value)}"),
                _ => throw Error(name, "schedule", $"unknown kind \"{kind}\"; use seconds, \"crontab\", \"cron\" or \"at\""),
            };
        }
        catch (FormatException e) when (!e.Message.StartsWith("Beat entry", StringComparison.Ordinal))
        {
            throw Error(name, "schedule", e.Message.TrimEnd('.'), e);
        }
    }

    public static JsonNode Write(BeatSchedule schedule) => schedule switch
    {
        IntervalSchedule i => SecondsNode(i.Interval),
        CrontabSchedule c => new JsonObject
        {
            ["crontab"] = new JsonObject
            {
                ["minute"] = c.Minute,
                ["hour"] = c.Hour,
                ["day_of_week"] = c.DayOfWeek,
                ["day_of_month"] = c.DayOfMonth,
                ["month_of_year"] = c.MonthOfYear,
            },
        },
        CronSchedule c => new JsonObject { ["cron"] = c.Expression },
        OneOffSchedule o => new JsonObject { ["at"] = PythonDateTime.Format(o.Instant) },
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "unknown schedule kind"),
    };

    /// <summary>Seconds as a tick-exact span (TimeSpan.FromSeconds would round).</summary>
    public static TimeSpan Seconds(double seconds) => TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    /// <summary>A span as seconds: a whole number when it is one, else the shortest double that reads back to the same ticks.</summary>
    public static JsonNode SecondsNode(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0
            ? JsonValue.Create(span.Ticks / TimeSpan.TicksPerSecond)
            : JsonNode.Parse((span.Ticks / (double)TimeSpan.TicksPerSecond).ToString("R", CultureInfo.InvariantCulture))!;

    private static CrontabSchedule ReadCrontab(string name, JsonNode? node)
    {
        if (node is not JsonObject fields) throw Error(name, "schedule", $"\"crontab\" takes an object of Celery's fields ({string.Join(", ", CrontabFields)}), not {Describe(node)}");
        foreach (var key in fields.Select(p => p.Key))
        {
            if (!CrontabFields.Contains(key)) throw Error(name, "schedule", $"unknown crontab field \"{key}\"; Celery's are {string.Join(", ", CrontabFields)}");
        }
        string Field(string key) => FieldText(name, key, fields[key]);
        return new CrontabSchedule(Field("minute"), Field("hour"), Field("day_of_week"), Field("day_of_month"), Field("month_of_year"));
    }

    // Celery takes a string spec, an int, or an iterable of ints; the last two are the same as the comma list.
    private static string FieldText(string name, string key, JsonNode? node) => node switch
    {
        null => "*",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonValue v when CeleryJson.AsInt64(v) is { } number => number.ToString(CultureInfo.InvariantCulture),
        JsonArray { Count: > 0 } list when list.All(n => CeleryJson.AsInt64(n) is not null) =>
            string.Join(",", list.Select(n => CeleryJson.AsInt64(n)!.Value.ToString(CultureInfo.InvariantCulture))),
        _ => throw Error(name, "schedule", $"crontab {key} takes a spec string, a whole number or a list of them, not {Describe(node)}"),
    };

    private static DateTimeOffset Instant(string name, string text)
    {
        if (!PythonDateTime.TryParse(text, out var instant))
            throw Error(name, "schedule", $"\"at\" takes an ISO 8601 instant, not '{text}'");
        // A wall time without an offset could mean any zone; say which.
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) && parsed.Kind == DateTimeKind.Unspecified)
            throw Error(name, "schedule", $"\"at\" needs an offset or Z ('{text}' names no zone)");
        return instant;
    }
}
