using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Beat.Schedules;
using Celeriac.Protocol.Json;

namespace Celeriac.Beat.Json;

/// <summary>
/// Entries as JSON: Celery's <c>beat_schedule</c> shape (docs/interop.md, "Beat") — <c>task</c>,
/// <c>schedule</c> (seconds, <c>{"crontab": {...}}</c>, <c>{"cron": "..."}</c>, <c>{"at": "iso"}</c>),
/// <c>relative</c>, <c>args</c>, <c>kwargs</c>, <c>options</c> — plus ours: <c>timezone</c>,
/// <c>missed</c> (<c>"skip"</c>, <c>"once"</c>, <c>"all"</c>, <c>{"all": N}</c>, <c>{"deadline": seconds}</c>), <c>paused</c>.
/// The schedule file, configuration and the run-time edits all use it.
/// </summary>
/// <remarks>
/// A key we do not know is an error, as in Celery (its <c>ScheduleEntry(**entry)</c> raises
/// TypeError): a misspelt <c>"timezone"</c> or <c>"optoins"</c> silently dropped would change
/// when or how the entry runs.
/// </remarks>
internal static class BeatEntryJson
{
    private static readonly string[] Keys = ["task", "schedule", "relative", "args", "kwargs", "options", "timezone", "missed", "paused"];

    /// <summary>Reads one entry; throws <see cref="FormatException"/> naming the entry and what is wrong.</summary>
    public static BeatEntry Read(string name, JsonNode? definition)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name)) throw new FormatException("A beat entry needs a name (the key of its object in the schedule).");
        if (definition is not JsonObject entry)
            throw Error(name, null, $"an entry is a JSON object with \"task\" and \"schedule\", not {Describe(definition)}");
        foreach (var key in entry.Select(p => p.Key))
        {
            if (!Keys.Contains(key))
                throw Error(name, key, $"unknown key; an entry has {string.Join(", ", Keys)}");
        }

        var task = entry["task"] is JsonValue t && t.TryGetValue<string>(out var taskName) && taskName.Length > 0
            ? taskName
            : throw Error(name, "task", $"must be the task's name, not {Describe(entry["task"])}");
        var relative = Bool(name, entry, "relative");
        var schedule = BeatScheduleJson.Read(name, entry["schedule"], relative);
        var zone = entry["timezone"] switch
        {
            null => null,
            JsonValue z when z.TryGetValue<string>(out var id) => BeatTimeZones.TryFind(id, out _)
                ? id
                : throw Error(name, "timezone", $"unknown time zone '{id}'; use an IANA id such as 'Europe/Berlin' or 'UTC'"),
            var other => throw Error(name, "timezone", $"must be an IANA zone id, not {Describe(other)}"),
        };

        return new BeatEntry
        {
            Name = name,
            Task = task,
            Schedule = schedule,
            Args = entry["args"] switch
            {
                null => [],
                JsonArray a => a.DeepClone().AsArray(),
                var other => throw Error(name, "args", $"must be a list, not {Describe(other)}"),
            },
            Kwargs = entry["kwargs"] switch
            {
                null => [],
                JsonObject k => k.DeepClone().AsObject(),
                var other => throw Error(name, "kwargs", $"must be an object, not {Describe(other)}"),
            },
            Options = BeatOptionsJson.Read(name, entry["options"]),
            TimeZone = zone,
            MissedRuns = ReadMissed(name, entry["missed"]),
            Paused = Bool(name, entry, "paused"),
        };
    }

    /// <summary>Reads a whole schedule object (name → entry).</summary>
    public static IReadOnlyList<BeatEntry> ReadSchedule(JsonNode? schedule) => schedule switch
    {
        null => [],
        JsonObject entries => [.. entries.Select(p => Read(p.Key, p.Value))],
        _ => throw new FormatException($"A beat schedule is a JSON object of entries by name, not {Describe(schedule)}."),
    };

    /// <summary>Writes an entry so <see cref="Read"/> gives it back.</summary>
    public static JsonObject Write(BeatEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var json = new JsonObject
        {
            ["task"] = entry.Task,
            ["schedule"] = BeatScheduleJson.Write(entry.Schedule),
        };
        if (entry.Schedule is IntervalSchedule { Relative: true }) json["relative"] = true;
        json["args"] = entry.Args.DeepClone();
        json["kwargs"] = entry.Kwargs.DeepClone();
        var options = BeatOptionsJson.Write(entry.Options);
        if (options.Count > 0) json["options"] = options;
        if (entry.TimeZone is { } zone) json["timezone"] = zone;
        if (WriteMissed(entry.MissedRuns) is { } missed) json["missed"] = missed;
        if (entry.Paused) json["paused"] = true;
        return json;
    }

    private static MissedRunPolicy ReadMissed(string name, JsonNode? node)
    {
        switch (node)
        {
            case null:
                return MissedRunPolicy.Once;
            case JsonValue v when v.TryGetValue<string>(out var kind):
                return kind switch
                {
                    "skip" => MissedRunPolicy.Skip,
                    "once" => MissedRunPolicy.Once,
                    "all" => MissedRunPolicy.All(),
                    _ => throw Error(name, "missed", $"unknown policy '{kind}'; use \"skip\", \"once\", \"all\", {{\"all\": N}} or {{\"deadline\": seconds}}"),
                };
            case JsonObject { Count: 1 } o when o["all"] is { } all:
                return CeleryJson.AsInt64(all) is { } limit and >= 1 and <= int.MaxValue
                    ? MissedRunPolicy.All((int)limit)
                    : throw Error(name, "missed", $"\"all\" takes a whole number of runs ≥ 1, not {Describe(all)}");
            case JsonObject { Count: 1 } o when o["deadline"] is { } deadline:
                return CeleryJson.AsDouble(deadline) is { } seconds and > 0 && double.IsFinite(seconds)
                    ? MissedRunPolicy.Within(BeatScheduleJson.Seconds(seconds))
                    : throw Error(name, "missed", $"\"deadline\" takes a positive number of seconds, not {Describe(deadline)}");
            default:
                throw Error(name, "missed", $"use \"skip\", \"once\", \"all\", {{\"all\": N}} or {{\"deadline\": seconds}}, not {Describe(node)}");
        }
    }

    private static JsonNode? WriteMissed(MissedRunPolicy policy) => policy.Kind switch
    {
        MissedRunKind.Once => null,
        MissedRunKind.Skip => "skip",
        MissedRunKind.All => new JsonObject { ["all"] = policy.Limit },
        MissedRunKind.Deadline => new JsonObject { ["deadline"] = BeatScheduleJson.SecondsNode(policy.Deadline) },
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.Kind, "unknown missed-run policy"),
    };

    private static bool Bool(string name, JsonObject entry, string key) => entry[key] switch
    {
        null => false,
        var b when b.GetValueKind() is JsonValueKind.True => true,
        var b when b.GetValueKind() is JsonValueKind.False => false,
        var other => throw Error(name, key, $"must be true or false, not {Describe(other)}"),
    };

    /// <summary>The error for entry <paramref name="name"/>, field <paramref name="field"/>.</summary>
    internal static FormatException Error(string name, string? field, string reason, Exception? inner = null) =>
        new(field is null ? $"Beat entry '{name}': {reason}." : $"Beat entry '{name}', \"{field}\": {reason}.", inner);

    /// <summary>A JSON value for an error message.</summary>
    internal static string Describe(JsonNode? node)
    {
        if (node is null) return "null";
        var text = CeleryJson.ToJsonString(node);
        return text.Length > 80 ? text[..77] + "..." : text;
    }
}
