using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// Python Celery 5.2.6's <c>EventReceiver</c> (<c>python/events_capture.py</c>) capturing a Celeriac worker run with
/// <c>--events</c> and a Python worker run with <c>-E</c> side by side on the cluster's broker: each event type
/// the Celeriac worker sends has the fields, in the order and of the JSON types, that the Python worker's
/// has (docs/protocol.md §6).
/// </summary>
internal static class WorkerEventsComparison
{
    private static readonly string[] WorkerTypes = ["worker-online", "worker-heartbeat", "worker-offline"];
    private static readonly string[] TaskTypes = ["task-received", "task-started", "task-succeeded", "task-failed"];

    /// <summary>
    /// Starts the capture, waits with <paramref name="untilSubscribed"/> until its queue or subscription is in place,
    /// runs both workers with events and a success and a failure on each, and compares what Python received.
    /// </summary>
    public static async Task RunAsync(InteropCluster cluster, Func<ManagedProcess, Task> untilSubscribed)
    {
        var pyQueue = $"ev-py-{Guid.NewGuid():N}";
        var csQueue = $"ev-cs-{Guid.NewGuid():N}";
        await using var capture = ManagedProcess.Start("python events_capture.py", Prerequisites.Python, ["events_capture.py", "--seconds", "150"],
            Prerequisites.PythonDirectory, cluster.Endpoints.Environment(new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONUNBUFFERED"] = "1" }),
            line => line == "capturing");
        await capture.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await untilSubscribed(capture);

        var python = await PythonWorker.StartAsync(cluster.Endpoints, [pyQueue], events: true);
        var celeriac = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [csQueue], "--events");
        string Context() => capture.Describe() + "\n" + python.Describe() + "\n" + celeriac.Describe();
        try
        {
            var ids = new List<string>();
            foreach (var queue in new[] { pyQueue, csQueue })
            {
                ids.Add(await cluster.PythonClient.SendOneAsync(new { name = "interop.add", args = new[] { 2, 3 }, queue }));
                ids.Add(await cluster.PythonClient.SendOneAsync(new { name = "interop.fail", args = new[] { "boom" }, queue }));
            }
            var results = await cluster.PythonClient.GetAsync(ids);
            results.Should().HaveCount(4);

            // Both workers' task events and at least one periodic heartbeat each have arrived.
            await Poll.UntilAsync(() => Task.FromResult(Events(capture).Count(e => Type(e) == "worker-heartbeat" && e["active"] is not null) >= 2
                && Events(capture).Count(e => Type(e) == "task-failed") >= 2 && Events(capture).Count(e => Type(e) == "task-succeeded") >= 2),
                TimeSpan.FromSeconds(30), Context);
        }
        finally
        {
            python.Terminate();
            celeriac.Terminate();
            await python.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await celeriac.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        await Poll.UntilAsync(() => Task.FromResult(Events(capture).Count(e => Type(e) == "worker-offline") >= 2), TimeSpan.FromSeconds(30), Context);

        var all = Events(capture);
        var py = all.Where(e => Host(e).StartsWith("py-", StringComparison.Ordinal)).ToList();
        var cs = all.Where(e => Host(e).StartsWith("celeriac-", StringComparison.Ordinal)).ToList();
        foreach (var type in WorkerTypes.Concat(TaskTypes))
        {
            var mine = cs.FirstOrDefault(e => Type(e) == type && (type != "worker-heartbeat" || e["active"] is not null));
            var theirs = py.FirstOrDefault(e => Type(e) == type && (type != "worker-heartbeat" || e["active"] is not null));
            mine.Should().NotBeNull($"the Celeriac worker sent {type}\n{Context()}");
            theirs.Should().NotBeNull($"the Python worker sent {type}\n{Context()}");
            Keys(mine!).Should().Equal(Keys(theirs!), $"{type} has Python's fields in Python's order");
            foreach (var key in Keys(theirs!))
                Kind(mine![key]).Should().Be(Kind(theirs![key]), $"{type}.{key} has the JSON type Python's has ({mine[key]?.ToJsonString()} vs {theirs[key]?.ToJsonString()})");
        }

        var succeeded = cs.Single(e => Type(e) == "task-succeeded");
        succeeded["result"]!.GetValue<string>().Should().Be(py.Single(e => Type(e) == "task-succeeded")["result"]!.GetValue<string>()).And.Be("5");
        cs.Single(e => Type(e) == "task-failed")["exception"]!.GetValue<string>().Should().Be("InvalidOperationException('boom')");
        py.Single(e => Type(e) == "task-failed")["exception"]!.GetValue<string>().Should().Be("ValueError('boom')");
        var received = cs.First(e => Type(e) == "task-received");
        received["name"]!.GetValue<string>().Should().Be("interop.add");
        // The argsrepr header as the Python client wrote it (saferepr of its list).
        received["args"]!.GetValue<string>().Should().Be(py.First(e => Type(e) == "task-received")["args"]!.GetValue<string>()).And.Be("[2, 3]");
        var online = cs.Single(e => Type(e) == "worker-online");
        online["sw_ident"]!.GetValue<string>().Should().Be("celeriac");
        online["freq"]!.GetValue<double>().Should().Be(2.0);
        online["utcoffset"]!.GetValue<int>().Should().Be(py.First()["utcoffset"]!.GetValue<int>());
        // The Lamport clock only moves forward in what one worker sends.
        cs.Select(e => e["clock"]!.GetValue<long>()).Should().BeInAscendingOrder();
    }

    private static List<JsonObject> Events(ManagedProcess capture) =>
        capture.Output.Split('\n').Where(l => l.StartsWith("EVENT ", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l["EVENT ".Length..])!.AsObject()).ToList();

    private static string Type(JsonObject e) => e["type"]!.GetValue<string>();

    private static string Host(JsonObject e) => e["hostname"]!.GetValue<string>();

    // The receiver adds local_received on its own; the rest is what the worker sent.
    private static string[] Keys(JsonObject e) => e.Select(p => p.Key).Where(k => k != "local_received").ToArray();

    private static string Kind(JsonNode? n) => n switch
    {
        null => "null",
        JsonArray => "array",
        JsonObject => "object",
        JsonValue v => v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => v.ToJsonString().Any(c => c is '.' or 'e' or 'E') ? "float" : "int",
            var k => k.ToString(),
        },
        _ => n.GetValueKind().ToString(),
    };
}
