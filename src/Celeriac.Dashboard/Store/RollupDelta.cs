namespace Celeriac.Dashboard.Store;

/// <summary>One batch's contribution to one (minute, task name) rollup row.</summary>
internal sealed class RollupDelta(long minute, string name)
{
    public readonly long Minute = minute;
    public readonly string Name = name;
    public long Succeeded, Failed, Retried;
    public double RuntimeSum;
    public readonly long[] Counts = new long[RuntimeBuckets.UpperBounds.Count];

    /// <summary>Counts the finishing events (success, failure, retry) of a batch; names come from <paramref name="names"/> when the event lacks one.</summary>
    public static List<RollupDelta> From(IReadOnlyList<TaskEvent> events, IReadOnlyDictionary<string, string> names)
    {
        var deltas = new Dictionary<(long, string), RollupDelta>();
        foreach (var e in events)
        {
            if (e.State is not ("SUCCESS" or "FAILURE" or "RETRY")) continue;
            var name = e.Name ?? names.GetValueOrDefault(e.TaskId);
            if (name is null) continue;
            var minute = (long)Math.Floor(TaskRow.Unix(e.Timestamp) / 60) * 60;
            if (!deltas.TryGetValue((minute, name), out var d)) deltas.Add((minute, name), d = new RollupDelta(minute, name));
            switch (e.State)
            {
                case "SUCCESS": d.Succeeded++; break;
                case "FAILURE": d.Failed++; break;
                default: d.Retried++; break;
            }
            if (e.Runtime is { } runtime)
            {
                d.RuntimeSum += runtime;
                d.Counts[RuntimeBuckets.IndexOf(runtime)]++;
            }
        }
        return [.. deltas.Values];
    }

    /// <summary>Ids of finishing events that carry no name, to look up in the store.</summary>
    public static List<string> UnnamedIds(IReadOnlyList<TaskEvent> events, IReadOnlyList<TaskRow> rows)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rows) if (r.Name is not null) named.Add(r.Id);
        var ids = new List<string>();
        foreach (var e in events)
            if (e.State is "SUCCESS" or "FAILURE" or "RETRY" && e.Name is null && !named.Contains(e.TaskId)) ids.Add(e.TaskId);
        return ids;
    }
}
