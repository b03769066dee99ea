using System.Globalization;
using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support;

/// <summary>What the beat interop tests read back: record lists as they grow, run task ids, stored results.</summary>
internal static class BeatRuns
{
    /// <summary>
    /// The task ids our beat gives the runs of <paramref name="entry"/> scheduled on each whole second
    /// from <paramref name="from"/> to <paramref name="to"/>: UUID v5 (namespace URL) of
    /// <c>celeriac-beat:&lt;entry&gt;:&lt;slot as yyyy-MM-ddTHH:mm:ss.ffffffZ&gt;</c>, computed by Python's
    /// <c>uuid.uuid5</c>, so a match also proves a Python peer derives the same id.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, DateTime>> WholeSecondRunIdsAsync(Endpoints endpoints, string entry, DateTime from, DateTime to)
    {
        var slots = new List<DateTime>();
        for (var s = new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc); s <= to; s = s.AddSeconds(1)) slots.Add(s);
        var names = slots.Select(s => $"celeriac-beat:{entry}:{s.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}").ToArray();
        var reply = await PythonClient.RunScriptAsync(endpoints, "-c",
            ["import json, sys, uuid; print(json.dumps({'ids': [str(uuid.uuid5(uuid.NAMESPACE_URL, s)) for s in sys.argv[1:]]}))", .. names]);
        var ids = reply["ids"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        return ids.Zip(slots).ToDictionary(p => p.First, p => p.Second);
    }

    /// <summary>The stored result metas (<c>celery-task-meta-&lt;id&gt;</c>) of the ids that have one.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonObject>> StoredMetasAsync(InteropCluster cluster, IEnumerable<string> ids)
    {
        var list = ids.ToList();
        if (list.Count == 0) return new Dictionary<string, JsonObject>();
        var values = (object?[])(await cluster.Results.CommandAsync(["MGET", .. list.Select(id => "celery-task-meta-" + id)]))!;
        return list.Zip(values).Where(p => p.Second is string).ToDictionary(p => p.First, p => JsonNode.Parse((string)p.Second!)!.AsObject());
    }

    /// <summary>Every stored result meta in the backend (the class's server only holds this suite's tasks).</summary>
    public static async Task<IReadOnlyDictionary<string, JsonObject>> AllStoredMetasAsync(InteropCluster cluster)
    {
        var keys = await cluster.Results.ListAsync("KEYS", "celery-task-meta-*");
        return await StoredMetasAsync(cluster, keys.Select(k => k["celery-task-meta-".Length..]));
    }

    /// <summary>Waits until the record list <paramref name="key"/> holds at least <paramref name="count"/> tokens; returns when that was seen.</summary>
    public static async Task<DateTime> WaitForRecordsAsync(InteropCluster cluster, string key, int count, TimeSpan within, Func<string> context)
    {
        long seen = 0;
        await Poll.UntilAsync(async () => (seen = await cluster.Records.IntegerAsync("LLEN", key)) >= count, within,
            () => $"'{key}' has {seen} records, waiting for {count}\n{context()}");
        return DateTime.UtcNow;
    }

    public static Task<long> RecordCountAsync(InteropCluster cluster, string key) => cluster.Records.IntegerAsync("LLEN", key);
}
