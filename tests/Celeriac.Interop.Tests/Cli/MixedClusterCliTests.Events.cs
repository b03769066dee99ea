using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Celeriac.Cli.Tests;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests.Cli;

/// <summary><c>celeriac events --dump</c> and <c>celeriac control shutdown</c>, on two workers of the test's own that send task events.</summary>
public abstract partial class MixedClusterCliTests
{
    [InteropFact]
    public async Task Events_dump_shows_a_python_and_a_celeriac_workers_tasks_and_both_go_offline_after_control_shutdown()
    {
        // Workers of their own, started with task events (-E); the fixture's keep running, without them, for the other tests.
        var starting = new[]
        {
            CeleriacWorkerProcess.StartAsync(Cluster.Endpoints, ["ctl.cli.events.cx"], "--events"),
            PythonWorker.StartAsync(Cluster.Endpoints, ["ctl.cli.events.py"], events: true),
        };
        await Task.WhenAll(starting.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
        await using var ours = await starting[0];
        await using var python = await starting[1];
        // Python's node name ends in its host name (%h, socket.gethostname()).
        var (ourNode, pythonNode) = (ControlWorkers.NodeOf(ours), python.Name["python worker ".Length..] + "@" + Dns.GetHostName());
        var destination = $"{ourNode},{pythonNode}";
        var text = new SharedWriter();
        var json = new SharedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var textRun = CliApp.RunAsync(["events", "--dump", "-b", Cluster.Endpoints.BrokerUrl], text, new SharedWriter(), stop.Token);
        var jsonRun = CliApp.RunAsync(["events", "--dump", "--json", "-b", Cluster.Endpoints.BrokerUrl], json, new SharedWriter(), stop.Token);
        List<JsonObject> Events() => json.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        bool Dumped(string node, string textEvent, string type, string? uuid = null) =>
            text.Text.Split('\n').Any(l => l.StartsWith(node + " [", StringComparison.Ordinal) && l.Contains("] " + textEvent, StringComparison.Ordinal)
                                            && (uuid is null || l.Contains(uuid, StringComparison.Ordinal)))
            && Events().Any(e => (string?)e["hostname"] == node && (string?)e["type"] == type && (uuid is null || (string?)e["uuid"] == uuid));
        string Describe() => $"--- text dump\n{text.Text}\n--- json dump\n{json.Text}\n{ours.Describe()}\n{python.Describe()}";
        CliRun shutdown;
        int oursExit, pythonExit;
        AsyncResult ourTask, pythonTask;
        try
        {
            // Each dump asks every worker for a heartbeat once it listens, so both show before any task runs.
            await Poll.UntilAsync(() => Task.FromResult(Dumped(ourNode, "heartbeat", "worker-heartbeat") && Dumped(pythonNode, "heartbeat", "worker-heartbeat")),
                TimeSpan.FromSeconds(30), Describe);
            ourTask = await Cluster.Client.SendTaskAsync("interop.add", [2, 3], options: new TaskSendOptions { Queue = "ctl.cli.events.cx" });
            pythonTask = await Cluster.Client.SendTaskAsync("interop.add", [4, 5], options: new TaskSendOptions { Queue = "ctl.cli.events.py" });
            await Poll.UntilAsync(() => Task.FromResult(Dumped(ourNode, "task succeeded", "task-succeeded", ourTask.Id)
                                                       && Dumped(pythonNode, "task succeeded", "task-succeeded", pythonTask.Id)),
                TimeSpan.FromSeconds(30), Describe);

            shutdown = await RunAsync("control", "shutdown", "-d", destination, "-t", "1");
            oursExit = await ours.WaitForExitAsync(TimeSpan.FromSeconds(30));
            pythonExit = await python.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await Poll.UntilAsync(() => Task.FromResult(Dumped(ourNode, "shutdown", "worker-offline") && Dumped(pythonNode, "shutdown", "worker-offline")),
                TimeSpan.FromSeconds(30), Describe);
        }
        finally
        {
            await stop.CancelAsync();
        }

        (await textRun).Should().Be(0, "Ctrl+C is how a dump ends");
        (await jsonRun).Should().Be(0);
        text.Text.Should().StartWith("-> evdump: starting capture...");
        foreach (var (node, task, result) in new[] { (ourNode, ourTask, "5"), (pythonNode, pythonTask, "9") })
        {
            Events().Where(e => (string?)e["uuid"] == task.Id).Select(e => (string?)e["type"])
                .Should().ContainInOrder(["task-received", "task-started", "task-succeeded"], $"{node}'s task events, in order");
            text.Text.Should().MatchRegex($@"{Regex.Escape(node)} \[[^\]]+\] task succeeded: interop\.add\({task.Id}\) args=\(\d, \d\) kwargs=\{{\}} .*result={result}");
        }
        // A worker that shuts down does not reply: as with Celery's CLI, "no node replied".
        shutdown.ExitCode.Should().Be(3, shutdown.ToString());
        shutdown.ErrorLines.Should().ContainSingle().Which.Should().Be("celeriac: No nodes replied within time constraint");
        oursExit.Should().Be(0, ours.Describe());
        pythonExit.Should().Be(0, python.Describe());
        (await BothAsync("status")).ExitCode.Should().Be(0, "the fixture's workers were not named");
    }
}
