using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>Python Celery 5.2.6's own <c>celery beat</c> publishing to a Celeriac worker (the InteropWorker), on Redis.</summary>
public sealed class PythonBeatToCeleriacWorkerTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    [InteropFact]
    public async Task The_celeriac_worker_runs_what_pythons_beat_publishes()
    {
        var queue = BeatInteropScenarios.NewName("pybeat");
        var key = BeatInteropScenarios.NewName("pybeat-rec");
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
