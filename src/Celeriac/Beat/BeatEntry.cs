using System.Text.Json.Nodes;

namespace Celeriac.Beat;

/// <summary>
/// One periodic task: Celery's <c>beat_schedule</c> entry (docs/protocol.md §8.1) plus a time zone,
/// a missed-run policy and a paused flag. Each due run is sent as an ordinary task message.
/// </summary>
public sealed record BeatEntry
{
    /// <summary>The entry's name, unique within the schedule; part of each run's task id.</summary>
    public required string Name { get; init; }

    /// <summary>When it runs.</summary>
    public required BeatSchedule Schedule { get; init; }

    /// <summary>The task name to send.</summary>
    public required string Task { get; init; }

    /// <summary>Positional arguments.</summary>
    public JsonArray Args { get; init; } = [];

    /// <summary>Keyword arguments.</summary>
    public JsonObject Kwargs { get; init; } = [];

    /// <summary>Celery's <c>options</c>: queue, exchange, routing key, priority, expires (counted from each publish), headers, time limits.</summary>
    public TaskSendOptions Options { get; init; } = new();

    /// <summary>The IANA zone wall-clock schedules are read in; null for the app's <see cref="CeleriacOptions.Timezone"/>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>What to do with runs that fell due while no beat ran. Default <see cref="MissedRunPolicy.Once"/>, Celery's behaviour.</summary>
    public MissedRunPolicy MissedRuns { get; init; } = MissedRunPolicy.Once;

    /// <summary>A paused entry runs nothing; on resume it counts from the resume, firing nothing for the pause.</summary>
    public bool Paused { get; init; }
}
