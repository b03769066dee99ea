namespace Celeriac.Dashboard.Store;

/// <summary>One batch's contribution to one (minute, task name, queue) rollup row; the queue is "" when unknown.</summary>
internal sealed class RollupDelta(long minute, string name, string queue)
{
    public readonly long Minute = minute;
    public readonly string Name = name;
    public readonly string Queue = queue;
    public long Succeeded, Failed, Retried, Received;
    public double RuntimeSum, WaitSum;
    public readonly long[] Counts = new long[RuntimeBuckets.UpperBounds.Count];
    public readonly long[] WaitCounts = new long[RuntimeBuckets.UpperBounds.Count];

    /// <summary>
    /// Counts a batch's events: receipts, queue waits (at the start: started − sent, or − received without a
    /// task-sent) and finishes (success, failure, retry, with run times). Name, queue and the sent and
    /// received times come from <paramref name="known"/> (the stored record after this batch's upsert) when
    /// the event lacks them; an event whose task has no known name is not counted.
    /// </summary>
    public static List<RollupDelta> From(IReadOnlyList<TaskEvent> events, IReadOnlyDictionary<string, KnownTask> known)
    {
        var deltas = new Dictionary<(long, string, string), RollupDelta>();
        foreach (var e in events)
        {
            if (!Counted(e.State)) continue;
            var info = known.GetValueOrDefault(e.TaskId);
            var name = e.Name ?? info.Name;
            if (name is null) continue;
            var queue = e.Queue ?? info.Queue ?? "";
            var at = TaskRow.Unix(e.Timestamp);
            var minute = (long)Math.Floor(at / 60) * 60;
            if (!deltas.TryGetValue((minute, name, queue), out var d)) deltas.Add((minute, name, queue), d = new RollupDelta(minute, name, queue));
            switch (e.State)
            {
                case "RECEIVED": d.Received++; break;
                case "STARTED":
                    // From the earlier of sent and received: a client stamps task-sent only after it published.
                    if ((info.Sent is { } s && info.Received is { } r ? Math.Min(s, r) : info.Sent ?? info.Received) is { } since)
                    {
                        var wait = Math.Max(0, at - since);
                        d.WaitSum += wait;
                        d.WaitCounts[RuntimeBuckets.IndexOf(wait)]++;
                    }
                    break;
                case "SUCCESS": d.Succeeded++; break;
                case "FAILURE": d.Failed++; break;
                default: d.Retried++; break;
            }
            if (e.State is "SUCCESS" or "FAILURE" or "RETRY" && e.Runtime is { } runtime)
            {
                d.RuntimeSum += runtime;
                d.Counts[RuntimeBuckets.IndexOf(runtime)]++;
            }
        }
        return [.. deltas.Values];
    }

    /// <summary>
    /// What the batch itself knows of each counted task, and the ids whose stored record must be read because
    /// the batch lacks its name or queue, or (for a start) when it was sent.
    /// </summary>
    public static (Dictionary<string, KnownTask> Known, List<string> Missing) FromBatch(IReadOnlyList<TaskEvent> events, IReadOnlyList<TaskRow> rows)
    {
        var byId = new Dictionary<string, TaskRow>(rows.Count, StringComparer.Ordinal);
        foreach (var r in rows) byId[r.Id] = r;
        var known = new Dictionary<string, KnownTask>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var e in events)
        {
            if (!Counted(e.State) || known.ContainsKey(e.TaskId)) continue;
            var r = byId[e.TaskId];
            known[e.TaskId] = new KnownTask(r.Name, r.Queue, r.Sent, r.Received);
            if (r.Name is null || r.Queue is null || (r.Started is not null && r.Sent is null)) missing.Add(e.TaskId);
        }
        return (known, missing);
    }

    private static bool Counted(string state) => state is "RECEIVED" or "STARTED" or "SUCCESS" or "FAILURE" or "RETRY";
}
