using System.Collections.Concurrent;
using Celeriac.Events;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// Flower's <c>flower_events_total{worker, type, task}</c>: every event ingested, counted since this dashboard
/// started (as Flower's). Only task-sent and task-received carry the task's name; the later events of the same task
/// are labelled with the name remembered from those (a bounded map: past <see cref="MaxRemembered"/> ids it starts
/// over, and an unnamed event counts with <c>task=""</c>, as in Flower when it missed the received event).
/// </summary>
internal sealed class EventCounts
{
    public const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<(string Worker, string Type, string Task), long> _counts = new();
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public void Count(CeleryEventInfo e)
    {
        var task = "";
        if (e.Group == "task" && e.TaskId is { } id)
        {
            if (e.TaskName is { Length: > 0 } name)
            {
                if (_names.Count >= MaxRemembered) _names.Clear();
                _names[id] = task = name;
            }
            else if (_names.TryGetValue(id, out var remembered)) task = remembered;
            if (e.Subject is "succeeded" or "failed" or "revoked" or "rejected") _names.TryRemove(id, out _);
        }
        _counts.AddOrUpdate((e.Hostname, e.Type, task), 1, (_, n) => n + 1);
    }

    /// <summary>The counts so far, by worker, type and task.</summary>
    public IReadOnlyList<KeyValuePair<(string Worker, string Type, string Task), long>> Snapshot() => _counts.ToArray();
}
