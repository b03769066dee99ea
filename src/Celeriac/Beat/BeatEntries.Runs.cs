using Celeriac.Beat.Store;

namespace Celeriac.Beat;

/// <content>Run now, and the dry run of each entry's next runs.</content>
public sealed partial class BeatEntries
{
    /// <summary>
    /// Sends the entry's task now, outside its schedule; returns the task id. Its id is the UUID v5 of
    /// <c>celeriac-beat:&lt;name&gt;:manual:&lt;now&gt;</c>, so it never equals a scheduled run's, and the schedule is untouched.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No entry of that name is in force.</exception>
    public async Task<string> RunNowAsync(string name, CancellationToken cancellationToken = default)
    {
        BeatEntry entry;
        await using (var store = OpenStore()) entry = await FindAsync(store, name, cancellationToken).ConfigureAwait(false);
        var now = _app.Options.TimeProvider.GetUtcNow();
        var taskId = BeatTaskId.Uuid5(BeatTaskId.Name(entry.Name + ":manual", now));
        var (message, route) = new BeatRunFactory(_app).Message(entry, taskId);
        await _app.Publisher.PublishAsync(message, route, cancellationToken).ConfigureAwait(false);
        return taskId;
    }

    /// <summary>Every entry in force with its state and next <paramref name="nextRuns"/> runs, in UTC and its zone.</summary>
    public async Task<IReadOnlyList<BeatEntryInfo>> ListAsync(int nextRuns = 5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nextRuns);
        IReadOnlyDictionary<string, BeatEntryState> states;
        BeatEdits edits;
        await using (var store = OpenStore())
        {
            edits = await store.ReadEditsAsync(cancellationToken).ConfigureAwait(false);
            states = await store.ReadStateAsync(cancellationToken).ConfigureAwait(false);
        }
        var now = _app.Options.TimeProvider.GetUtcNow();
        var list = new List<BeatEntryInfo>();
        foreach (var entry in BeatEntryInForce.Resolve(Defined, edits.Entries, _app.Options).Values.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Entry is null) continue; // an edit that does not read: beats log it by name and skip it
            states.TryGetValue(entry.Name, out var state);
            list.Add(new BeatEntryInfo
            {
                Entry = entry.Entry,
                LastRunAt = state is { TotalRunCount: > 0 } ? state.LastSlot : null,
                TotalRunCount = state?.TotalRunCount ?? 0,
                NextRuns = entry.Runs ? NextRuns(entry, state, now, nextRuns) : [],
            });
        }
        return list;
    }

    /// <summary>
    /// The next runs as a beat would plan them: from the recorded last slot (or the edit's moment,
    /// or now for an entry no beat has seen), leaving out slots already past (those follow the
    /// entry's missed-run policy when a beat next plans).
    /// </summary>
    private static List<BeatRunTime> NextRuns(BeatEntryInForce entry, BeatEntryState? state, DateTimeOffset now, int count)
    {
        var from = state?.LastSlot ?? entry.EditedAt ?? now;
        if (entry.EditedAt is { } edited && edited > from) from = edited;
        var runs = new List<BeatRunTime>(count);
        var walked = 0;
        while (runs.Count < count && entry.Entry!.Schedule.GetNextRun(from, entry.Zone!) is { } next && walked++ < BeatPlanner.MaxWalk)
        {
            from = next;
            if (next < now) continue;
            runs.Add(new BeatRunTime(next, TimeZoneInfo.ConvertTime(next, entry.Zone!)));
        }
        return runs;
    }
}
