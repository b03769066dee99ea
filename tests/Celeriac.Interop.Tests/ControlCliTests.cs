using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;
using Celeriac.TestSupport;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Python Celery's CLI (<c>celery -A interop_tasks inspect|control …</c>, a subprocess) against a
/// Celeriac worker and a Python worker in one cluster, on real Redis (<see cref="ControlCliInteropTests"/>) and on
/// real RabbitMQ (<see cref="AmqpControlCliInteropTests"/>): our worker's replies have the
/// keys and shapes of the Python worker's (docs/interop.md "Remote control and events").
/// Commands carried out by the events, pool and revocation parts are in
/// <see cref="ControlCliDelegatedInteropTests"/>.
/// </summary>
public abstract class ControlCliTests
{
    /// <summary>Python's CLI on the cluster's broker.</summary>
    private protected abstract CeleryCli Cli { get; }

    /// <summary>A Celeriac client on the cluster's broker.</summary>
    private protected abstract CeleriacApp Client { get; }

    /// <summary>The cluster's broker, backend and record URLs.</summary>
    private protected abstract Endpoints Endpoints { get; }

    /// <summary>The Python worker and the Celeriac worker under test.</summary>
    private protected abstract ControlWorkers Workers { get; }

    /// <summary>The broker's scheme, as <c>stats</c> reports it under <c>broker.transport</c> (<c>redis</c>, <c>amqp</c>).</summary>
    protected abstract string Transport { get; }

    private string CeleriacNode => Workers.CeleriacNode;

    private string PythonNode => Workers.PythonNode;

    [InteropFact]
    public async Task Inspect_ping_without_a_destination_gets_pong_from_both_workers()
    {
        var (code, json, output) = await Cli.RunAsync("inspect", "ping", "--json", "-t", "5");

        code.Should().Be(0, output);
        var replies = json.Should().BeOfType<JsonObject>(output).Subject;
        replies[CeleriacNode].Text().Should().Be("""{"ok":"pong"}""", output);
        replies[PythonNode].Text().Should().Be("""{"ok":"pong"}""", output);
    }

    [InteropFact]
    public async Task The_dotnet_clients_ping_without_a_destination_gets_pong_from_both_workers()
    {
        var replies = await Client.Control.Inspect(timeout: TimeSpan.FromSeconds(3)).PingAsync();

        replies.Should().ContainKey(CeleriacNode).WhoseValue.Ok.Should().Be("pong");
        replies.Should().ContainKey(PythonNode).WhoseValue.Ok.Should().Be("pong");
    }

    [InteropFact]
    public async Task Inspect_stats_has_the_keys_and_shapes_of_the_python_workers()
    {
        var python = await Cli.InspectAsync(PythonNode, "stats");
        var ours = await Cli.InspectAsync(CeleriacNode, "stats");

        ReplyShape.AssertSame(python, ours, dataKeyed: new HashSet<string> { "$.total", "$.broker.transport_options" });
        ours!["broker"]!["transport"]!.GetValue<string>().Should().Be(Transport);
        ours["broker"]!["port"]!.GetValue<int>().Should().Be(python!["broker"]!["port"]!.GetValue<int>());
    }

    [InteropFact]
    public async Task Inspect_active_and_query_task_show_a_running_task_as_the_python_worker_shows_its_own()
    {
        // The tasks must still run at the last query_task, after at least four CLI runs (a Python start-up each,
        // several seconds apiece on a loaded box): they sleep far longer than the test takes and are
        // terminated at its end, so no sleep length is a guess at how fast the CLI is.
        var ourTask = await Client.SendTaskAsync("interop.sleep", [RunningTaskSeconds], options: new TaskSendOptions { Queue = ControlWorkers.CeleriacQueue });
        var pythonTask = await Client.SendTaskAsync("interop.sleep", [RunningTaskSeconds], options: new TaskSendOptions { Queue = ControlWorkers.PythonQueue });
        try
        {
            JsonArray ours = [], python = [];
            await Poll.UntilAsync(async () =>
            {
                ours = (await Cli.InspectAsync(CeleriacNode, "active"))!.AsArray();
                python = (await Cli.InspectAsync(PythonNode, "active"))!.AsArray();
                return ours.Count > 0 && python.Count > 0;
            }, TimeSpan.FromSeconds(20), () => $"both should list a running task: ours {ours.Text()}, Python's {python.Text()}");

            ours.Should().ContainSingle();
            ours[0]!["id"]!.GetValue<string>().Should().Be(ourTask.Id);
            ReplyShape.AssertSame(python[0], ours[0]);
            ours[0]!["args"].Text().Should().Be($"[{RunningTaskSeconds}]");

            var ourQuery = (await Cli.InspectAsync(CeleriacNode, "query_task", ourTask.Id))!.AsObject();
            var pythonQuery = (await Cli.InspectAsync(PythonNode, "query_task", pythonTask.Id))!.AsObject();
            ourQuery.Should().ContainKey(ourTask.Id, $"our worker still runs the task: {ourQuery.Text()}");
            pythonQuery.Should().ContainKey(pythonTask.Id, $"the Python worker still runs the task: {pythonQuery.Text()}");
            ourQuery[ourTask.Id]![0]!.GetValue<string>().Should().Be("active");
            ReplyShape.AssertSame(pythonQuery[pythonTask.Id], ourQuery[ourTask.Id]);
        }
        finally
        {
            // Frees both workers' slots for the other tests of the fixture (and a quick shutdown at its end).
            await Client.Control.RevokeAsync([ourTask.Id, pythonTask.Id], terminate: true);
        }
    }

    /// <summary>Longer than the test can take, even on a loaded box; the test terminates the tasks when it is done.</summary>
    private const int RunningTaskSeconds = 300;

    [InteropFact]
    public async Task Inspect_registered_lists_sorted_task_names_as_the_python_worker_does()
    {
        var python = (await Cli.InspectAsync(PythonNode, "registered"))!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var ours = (await Cli.InspectAsync(CeleriacNode, "registered"))!.AsArray().Select(n => n!.GetValue<string>()).ToList();

        ours.Should().BeInAscendingOrder(StringComparer.Ordinal).And.NotContain(n => n.StartsWith("celery."));
        ours.Should().Contain(python.Where(n => n.StartsWith("interop.", StringComparison.Ordinal) && n != "interop.hostname"));
    }

    [InteropFact]
    public async Task Inspect_active_queues_describes_the_queue_as_the_python_worker_does()
    {
        var python = (await Cli.InspectAsync(PythonNode, "active_queues"))!.AsArray();
        var ours = (await Cli.InspectAsync(CeleriacNode, "active_queues"))!.AsArray();

        ours.Select(q => q!["name"]!.GetValue<string>()).Should().Equal(ControlWorkers.CeleriacQueue);
        ReplyShape.AssertSame(python[0], ours[0]);
        ours[0].Text().Should().Be(python[0].Text().Replace(ControlWorkers.PythonQueue, ControlWorkers.CeleriacQueue));
    }

    [InteropFact]
    public async Task Inspect_clock_conf_report_and_revoked_answer_in_the_python_workers_shapes()
    {
        foreach (var action in new[] { "clock", "report", "revoked" })
        {
            var python = await Cli.InspectAsync(PythonNode, action);
            var ours = await Cli.InspectAsync(CeleriacNode, action);
            ReplyShape.AssertSame(python, ours);
        }
        var conf = (await Cli.InspectAsync(CeleriacNode, "conf"))!.AsObject();
        conf["broker_url"]!.GetValue<string>().Should().StartWith(Transport + "://");
    }

    [InteropFact]
    public async Task Control_shutdown_stops_a_celeriac_worker_with_status_0_as_it_stops_a_python_worker()
    {
        await using var ours = await CeleriacWorkerProcess.StartAsync(Endpoints, ["ctl.shutdown.cx"]);
        await using var python = await Support.PythonWorker.StartAsync(Endpoints, ["ctl.shutdown.py"]);
        var ourNode = ours.Name["celeriac worker ".Length..];

        // Shutdown never replies, so the CLI reports that no node replied, whichever worker it is.
        var (code, _, output) = await Cli.RunAsync("control", "shutdown", "-d", ourNode, "--json", "-t", "2");
        var (pythonCode, _, pythonOutput) = await Cli.RunAsync("control", "shutdown", "--json", "-t", "2", "-d",
            (await PythonNodeOfAsync(python)));

        code.Should().Be(pythonCode, $"{output}\n---\n{pythonOutput}");
        (await ours.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, ours.Describe());
        await python.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task<string> PythonNodeOfAsync(ManagedProcess python)
    {
        var prefix = python.Name["python worker ".Length..] + "@";
        var (_, json, output) = await Cli.RunAsync("inspect", "ping", "--json", "-t", "5");
        return (json as JsonObject)?.Select(kv => kv.Key).FirstOrDefault(n => n.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{prefix}… did not answer ping:\n{output}");
    }
}
