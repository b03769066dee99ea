using System.Text.Json.Nodes;
using Celeriac.Beat;
using Celeriac.Beat.Json;
using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// The beat page's rows: <c>app.Beat.ListAsync</c> (the entries in force — the app's own, a <c>--beat-schedule</c>
/// file's, and run-time edits every beat on the broker shares) with the last run's outcome from the store. A
/// scheduled run's task id is derived from entry and slot (<see cref="BeatTaskId"/>), so the store finds it by id.
/// </summary>
internal static class BeatView
{
    public const int NextRuns = 5;

    public static async Task<IReadOnlyList<BeatRow>> RowsAsync(CeleriacApp app, IDashboardStore store, CancellationToken cancellationToken)
    {
        var entries = await app.Beat.ListAsync(NextRuns, cancellationToken).ConfigureAwait(false);
        var rows = new List<BeatRow>(entries.Count);
        foreach (var info in entries) rows.Add(await RowAsync(app, store, info, cancellationToken).ConfigureAwait(false));
        return rows;
    }

    public static async Task<BeatRow> RowAsync(CeleriacApp app, IDashboardStore store, BeatEntryInfo info, CancellationToken cancellationToken)
    {
        var entry = info.Entry;
        BeatOutcome? outcome = null;
        if (info.LastRunAt is { } slot)
        {
            var id = BeatTaskId.For(entry.Name, slot);
            var task = await store.GetTaskAsync(id, cancellationToken).ConfigureAwait(false);
            outcome = new BeatOutcome(id, task?.Task.State);
        }
        var definition = BeatEntryJson.Write(entry);
        return new BeatRow(entry.Name, entry.Task, entry.Schedule.ToString() ?? "", (JsonArray)entry.Args.DeepClone(), (JsonObject)entry.Kwargs.DeepClone(),
            definition["options"]?.DeepClone() as JsonObject, entry.Paused, info.LastRunAt?.UtcDateTime, info.TotalRunCount,
            info.NextRuns.Select(r => r.Utc.UtcDateTime).ToList(), outcome, entry.TimeZone ?? app.Options.Timezone, definition);
    }
}
