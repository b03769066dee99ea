using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Beat scenarios run on more than one broker (Redis, RabbitMQ): each test class calls them with
/// its cluster. The schedule is a file given to the InteropWorker's <c>--beat-only</c> (docs/interop.md, "Beat").
/// </summary>
internal static class BeatInteropScenarios
{
    public static string NewName(string kind) => $"{kind}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Our beat publishes, a Python Celery 5.2.6 worker runs: an interval entry (interop.record, with
    /// <c>expires</c>) and a cron entry every second (interop.add) whose task ids are the UUID v5 of
    /// entry and slot; Python stores the sums and reads them back with <c>AsyncResult.get</c>.
    /// </summary>
    public static async Task PythonWorkerRunsOurBeatAsync(InteropCluster cluster, ITestOutputHelper output)
    {
        var queue = NewName("beat-py");
        var key = NewName("beat-rec");
        var add = NewName("add");
        using var files = new BeatFiles();
        var schedule = files.WriteSchedule(new JsonObject
        {
            [add] = new JsonObject { ["task"] = "interop.add", ["schedule"] = new JsonObject { ["cron"] = "* * * * * *" }, ["args"] = new JsonArray(2, 3), ["options"] = new JsonObject { ["queue"] = queue } },
            [NewName("record")] = new JsonObject { ["task"] = "interop.record", ["schedule"] = 1.0, ["args"] = new JsonArray(key, "tick"), ["options"] = new JsonObject { ["queue"] = queue, ["expires"] = 60 } },
        });
        await using var worker = await PythonWorker.StartAsync(cluster.Endpoints, [queue]);
        var started = DateTime.UtcNow;
        await using var beat = await CeleriacBeatProcess.StartAsync(cluster.Endpoints, schedule, files.StatePath);
        string Context() => beat.Describe() + "\n" + worker.Describe();

        await BeatRuns.WaitForRecordsAsync(cluster, key, 4, TimeSpan.FromSeconds(30), Context);
        beat.Terminate();
        (await beat.WaitForExitAsync(TimeSpan.FromSeconds(20))).Should().Be(0, Context());
        var stopped = DateTime.UtcNow;

        // Every run published reaches the worker: the Python side ran each token.
        await Poll.UntilAsync(async () => await BeatRuns.RecordCountAsync(cluster, key) == await BeatRuns.RecordCountAsync(cluster, key + ":python"),
            TimeSpan.FromSeconds(10), Context);
        var runIds = await BeatRuns.WholeSecondRunIdsAsync(cluster.Endpoints, add, started.AddSeconds(-1), stopped.AddSeconds(1));
        IReadOnlyDictionary<string, JsonObject> metas = new Dictionary<string, JsonObject>();
        await Poll.UntilAsync(async () => (metas = await BeatRuns.StoredMetasAsync(cluster, runIds.Keys)).Count >= 3 && metas.Values.All(m => (string?)m["status"] == "SUCCESS"),
            TimeSpan.FromSeconds(15), () => $"{metas.Count} interop.add runs stored under the ids uuid5(entry, slot): {string.Join(", ", metas.Values.Select(m => m.ToJsonString()))}\n{Context()}");
        foreach (var meta in metas.Values) JsonAssert.Difference(JsonValue.Create(5), meta["result"]).Should().BeNull(meta.ToJsonString());

        // Python's AsyncResult reads what its worker stored, under the ids our beat chose.
        var read = await cluster.PythonClient.GetAsync(metas.Keys.Take(2));
        read.Select(r => r["result"]?.ToJsonString()).Should().AllBe("5", string.Join("\n", read.Select(r => r.ToJsonString())));
        var slots = metas.Keys.Select(id => runIds[id]).Order().ToList();
        slots.Zip(slots.Skip(1)).Should().OnlyContain(p => p.Second - p.First == TimeSpan.FromSeconds(1), "a cron entry every second runs every slot once: " + string.Join(", ", slots));
        output.WriteLine($"{await BeatRuns.RecordCountAsync(cluster, key)} interval runs and {metas.Count} cron runs (slots {slots[0]:HH:mm:ss}–{slots[^1]:HH:mm:ss}) ran on the Python worker");
        output.WriteLine(Context());
    }

    /// <summary>
    /// A restart with the same state (Redis: the state is in Redis; other brokers: the <c>--beat-state</c> file):
    /// a 12 s entry whose runs at +12 and +24 fell due while nothing ran is published once, within 2 s of
    /// <c>ready</c>; a 40 s entry not yet due at the restart runs 40 s after the first start, neither at
    /// the restart nor 40 s after it.
    /// </summary>
    public static async Task RestartKeepsDueTimesAsync(InteropCluster cluster, ITestOutputHelper output)
    {
        var queue = NewName("beat-restart");
        var missedKey = NewName("missed");
        var slowKey = NewName("slow");
        using var files = new BeatFiles();
        var schedule = files.WriteSchedule(new JsonObject
        {
            [NewName("every-12s")] = new JsonObject { ["task"] = "interop.record", ["schedule"] = 12, ["args"] = new JsonArray(missedKey, "run"), ["options"] = new JsonObject { ["queue"] = queue } },
            [NewName("every-40s")] = new JsonObject { ["task"] = "interop.record", ["schedule"] = 40, ["args"] = new JsonArray(slowKey, "run"), ["options"] = new JsonObject { ["queue"] = queue } },
        });
        await using var worker = await PythonWorker.StartAsync(cluster.Endpoints, [queue]);

        var started = DateTime.UtcNow;
        var first = await CeleriacBeatProcess.StartAsync(cluster.Endpoints, schedule, files.StatePath);
        var firstReady = DateTime.UtcNow;
        var log = first.Describe();
        await using (first)
        {
            // The entries are anchored when the beat first sees them; give it a loop to record that.
            await Task.Delay(TimeSpan.FromSeconds(2));
            first.Terminate();
            (await first.WaitForExitAsync(TimeSpan.FromSeconds(20))).Should().Be(0, first.Describe());
            log = first.Describe();
        }
        (await BeatRuns.RecordCountAsync(cluster, missedKey)).Should().Be(0, "nothing was due before the first stop");

        // Down while the 12 s entry falls due at +12 and +24 (the first more than 10 s before the restart: missed).
        var restartAt = firstReady + TimeSpan.FromSeconds(27);
        if (restartAt > DateTime.UtcNow) await Task.Delay(restartAt - DateTime.UtcNow);
        await using var second = await CeleriacBeatProcess.StartAsync(cluster.Endpoints, schedule, files.StatePath);
        var secondReady = DateTime.UtcNow;
        string Context() => log + "\n" + second.Describe() + "\n" + worker.Describe();

        var caughtUp = await BeatRuns.WaitForRecordsAsync(cluster, missedKey, 1, TimeSpan.FromSeconds(10), Context);
        output.WriteLine($"missed run published and run {(caughtUp - secondReady).TotalMilliseconds:0} ms after ready");
        (caughtUp - secondReady).Should().BeLessThan(TimeSpan.FromSeconds(3), "published within 2 s of ready (plus the worker's pick-up)\n" + Context());
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await BeatRuns.RecordCountAsync(cluster, missedKey)).Should().Be(1, "two runs fell due while nothing ran: published once, not once per missed run\n" + Context());
        (await BeatRuns.RecordCountAsync(cluster, slowKey)).Should().Be(0, "the 40 s entry is not due at the restart\n" + Context());

        var slowRan = await BeatRuns.WaitForRecordsAsync(cluster, slowKey, 1, TimeSpan.FromSeconds(30), Context);
        var due = (Earliest: started + TimeSpan.FromSeconds(40), Latest: firstReady + TimeSpan.FromSeconds(40));
        output.WriteLine($"40 s entry ran {(slowRan - started).TotalSeconds:0.00} s after the first start (ready after {(firstReady - started).TotalSeconds:0.00} s), restart ready at +{(secondReady - started).TotalSeconds:0.00} s");
        slowRan.Should().BeOnOrAfter(due.Earliest, "not early: " + Context());
        slowRan.Should().BeBefore(due.Latest + TimeSpan.FromSeconds(2), "not delayed by the downtime: " + Context());
        // The 12 s entry went on from its anchor: +36 ran by now, once.
        (await BeatRuns.RecordCountAsync(cluster, missedKey)).Should().Be(2, Context());
        second.Terminate();
        (await second.WaitForExitAsync(TimeSpan.FromSeconds(20))).Should().Be(0, Context());
        output.WriteLine(Context());
    }

    /// <summary>
    /// Python Celery 5.2.6's own <c>celery beat</c> (<c>python/interop_beat.py</c>) publishes, a Celeriac
    /// worker (the InteropWorker) runs: interop.record every second (with <c>expires</c>) and
    /// interop.add with a sum unique to the test, which Python's <c>AsyncResult</c> reads back.
    /// </summary>
    public static async Task CeleriacWorkerRunsPythonBeatAsync(InteropCluster cluster, ITestOutputHelper output)
    {
        var queue = NewName("pybeat");
        var key = NewName("pybeat-rec");
        var x = Random.Shared.Next(1_000_000, 2_000_000_000);
        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue]);
        using var files = new BeatFiles();
        await using var beat = await PythonBeat.StartAsync(cluster.Endpoints, new JsonObject
        {
            ["record"] = new JsonObject { ["task"] = "interop.record", ["schedule"] = 1.0, ["args"] = new JsonArray(key, "py-beat"), ["options"] = new JsonObject { ["queue"] = queue, ["expires"] = 30 } },
            ["add"] = new JsonObject { ["task"] = "interop.add", ["schedule"] = 1.0, ["args"] = new JsonArray(x, 1), ["options"] = new JsonObject { ["queue"] = queue } },
        }, files);
        string Context() => beat.Describe() + "\n" + worker.Describe();

        await BeatRuns.WaitForRecordsAsync(cluster, key, 3, TimeSpan.FromSeconds(30), Context);
        (await BeatRuns.RecordCountAsync(cluster, key + ":python")).Should().Be(0, "no Python worker runs here");

        // The interop.add runs: found by their unique sum in the class's backend, all SUCCESS.
        var sum = (long)x + 1;
        List<string> ids = [];
        await Poll.UntilAsync(async () =>
        {
            ids = (await BeatRuns.AllStoredMetasAsync(cluster)).Where(m => m.Value["result"]?.ToJsonString() == sum.ToString(System.Globalization.CultureInfo.InvariantCulture)
                                                                       && (string?)m.Value["status"] == "SUCCESS").Select(m => m.Key).ToList();
            return ids.Count >= 3;
        }, TimeSpan.FromSeconds(20), () => $"{ids.Count} interop.add({x}, 1) results stored\n{Context()}");
        var read = await cluster.PythonClient.GetAsync(ids.Take(3));
        read.Select(r => r["result"]?.ToJsonString()).Should().AllBe(sum.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join("\n", read.Select(r => r.ToJsonString())));
        output.WriteLine($"{await BeatRuns.RecordCountAsync(cluster, key)} records and {ids.Count} sums from Python's beat, run by the Celeriac worker");
        output.WriteLine(Context());
    }
}
