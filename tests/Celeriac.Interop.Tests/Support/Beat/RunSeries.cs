namespace Celeriac.Interop.Tests.Support.Beat;

/// <summary>A published message matched to its slot: <c>Index</c> counts intervals from the first slot seen.</summary>
internal sealed record PublishedRun(PublishedMessage Message, DateTimeOffset Slot, long Index)
{
    /// <summary>From the scheduled instant to the reader seeing it on the broker.</summary>
    public TimeSpan Lag => Message.ArrivedAt - Slot;
}

/// <summary>
/// The runs of one interval entry as the broker saw them, each matched to its slot by recomputing the
/// task id (slots are first + k·interval: intervals are anchored to slots): duplicates, gaps in the
/// slot sequence, and messages whose id is no slot of the sequence at all.
/// </summary>
internal sealed class RunSeries
{
    private RunSeries(string entry, TimeSpan interval, IReadOnlyList<PublishedRun> runs, IReadOnlyList<PublishedMessage> unknown)
    {
        Entry = entry;
        Interval = interval;
        Runs = runs;
        Unknown = unknown;
    }

    public string Entry { get; }

    public TimeSpan Interval { get; }

    /// <summary>Every message matched to a slot, in arrival order.</summary>
    public IReadOnlyList<PublishedRun> Runs { get; }

    /// <summary>Messages of the entry whose id is none of its slots (each one is a bug).</summary>
    public IReadOnlyList<PublishedMessage> Unknown { get; }

    /// <summary>Slots published more than once.</summary>
    public IReadOnlyList<DateTimeOffset> Duplicates => Runs.GroupBy(r => r.Slot).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

    /// <summary>Slots between the first and the last published that were never published.</summary>
    public IReadOnlyList<DateTimeOffset> Missing
    {
        get
        {
            if (Runs.Count == 0) return [];
            var seen = Runs.Select(r => r.Index).ToHashSet();
            var first = seen.Min();
            var last = seen.Max();
            return Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i).Where(i => !seen.Contains(i))
                .Select(i => FirstSlot + Interval * i).ToList();
        }
    }

    /// <summary>The slot of the first message that arrived (index 0).</summary>
    public DateTimeOffset FirstSlot => Runs.Count == 0 ? default : Runs[0].Slot - Interval * Runs[0].Index;

    /// <summary>The newest slot published.</summary>
    public DateTimeOffset LastSlot => Runs.Max(r => r.Slot);

    /// <summary>
    /// Matches <paramref name="messages"/> (all taken as <paramref name="entry"/>'s: filter before) to slots. The first
    /// message's slot is searched in the five seconds before it arrived (<paramref name="likelyFractions"/>
    /// first); the others are looked up among first + k·interval.
    /// </summary>
    public static RunSeries Match(string entry, TimeSpan interval, IReadOnlyList<PublishedMessage> messages, IEnumerable<long>? likelyFractions = null)
    {
        if (messages.Count == 0) return new RunSeries(entry, interval, [], []);
        var first = messages[0];
        var firstSlot = BeatRunId.FindSlot(entry, first.TaskId, first.ArrivedAt - TimeSpan.FromSeconds(5), first.ArrivedAt, likelyFractions);
        if (firstSlot is null) return new RunSeries(entry, interval, [], messages);
        // Indexes reach well past the span of arrivals on both sides, so a stale or early run still matches.
        var span = (long)((messages[^1].ArrivedAt - first.ArrivedAt) / interval) + 20;
        var byId = new Dictionary<string, long>();
        for (var k = -20L; k <= span; k++) byId[BeatRunId.For(entry, firstSlot.Value + interval * k)] = k;
        var runs = new List<PublishedRun>();
        var unknown = new List<PublishedMessage>();
        foreach (var message in messages)
        {
            if (byId.TryGetValue(message.TaskId, out var k)) runs.Add(new PublishedRun(message, firstSlot.Value + interval * k, k));
            else unknown.Add(message);
        }
        return new RunSeries(entry, interval, runs, unknown);
    }

    public string Describe() =>
        $"{Entry} every {Interval.TotalSeconds:0.###} s: {Runs.Count} runs, slots {(Runs.Count > 0 ? $"{BeatRunId.Format(FirstSlot)}..{BeatRunId.Format(LastSlot)}" : "none")}; " +
        $"duplicates [{string.Join(", ", Duplicates.Select(BeatRunId.Format))}]; missing [{string.Join(", ", Missing.Select(BeatRunId.Format))}]; " +
        $"unknown ids [{string.Join(", ", Unknown.Select(m => m.TaskId))}]\n" +
        string.Join("\n", Runs.Select(r => $"  {BeatRunId.Format(r.Slot)} #{r.Index} arrived {r.Message.ArrivedAt:HH:mm:ss.fff} lag {r.Lag.TotalMilliseconds:0} ms from {r.Message.Origin}"));
}
