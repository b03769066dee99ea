using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;
using Celeriac.TestSupport;

namespace Celeriac.Interop.Tests.Cli;

/// <summary><c>celeriac inspect</c>: every action answered by both workers; the replies right for each.</summary>
public abstract partial class MixedClusterCliTests
{
    [InteropTheory]
    [InlineData("ping")]
    [InlineData("stats")]
    [InlineData("active")]
    [InlineData("reserved")]
    [InlineData("scheduled")]
    [InlineData("revoked")]
    [InlineData("registered")]
    [InlineData("query_task")]
    [InlineData("conf")]
    [InlineData("report")]
    [InlineData("active_queues")]
    [InlineData("clock")]
    public async Task Each_inspect_action_gets_both_workers_answers_in_text_and_json(string action)
    {
        string[] args = action == "query_task" ? ["inspect", action, Guid.NewGuid().ToString()] : ["inspect", action];

        var text = await BothAsync(args);
        var json = await BothAsync([.. args, "--json"]);

        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain(PythonNode).And.Contain(CeleriacNode).And.EndWith("2 nodes online." + Environment.NewLine);
        text.Output.Should().NotContain("\u001b[", "colours are off when the output is not a terminal");
        json.ExitCode.Should().Be(0, json.ToString());
        Json(json).AsObject().Select(r => r.Key).Should().BeEquivalentTo(Nodes);
    }

    [InteropFact]
    public async Task Inspect_registered_lists_each_workers_own_tasks()
    {
        var text = await BothAsync("inspect", "registered");
        var json = Json(await BothAsync("inspect", "registered", "--json"));

        var python = Names(json[PythonNode]);
        var ours = Names(json[CeleriacNode]);
        python.Should().Contain("py.add_one").And.NotContain("interop.cs_only_double").And.BeInAscendingOrder(StringComparer.Ordinal);
        ours.Should().Contain("interop.cs_only_double").And.NotContain("py.add_one").And.BeInAscendingOrder(StringComparer.Ordinal);
        // Names only: Python adds " [rate_limit=…]" to a task another test limited.
        ours.Select(TaskName).Where(n => n.StartsWith("interop.", StringComparison.Ordinal) && n != "interop.cs_only_double")
            .Should().Equal(python.Select(TaskName).Where(n => n.StartsWith("interop.", StringComparison.Ordinal)), "both know the contract's tasks");
        NodeSections.Of(text.Output, PythonNode, Nodes).Should().Contain("py.add_one").And.NotContain("interop.cs_only_double");
        NodeSections.Of(text.Output, CeleriacNode, Nodes).Should().Contain("interop.cs_only_double").And.NotContain("py.add_one");
    }

    [InteropFact]
    public async Task Inspect_active_and_query_task_show_each_workers_running_task_which_terminate_stops()
    {
        // Sleeps far longer than the test takes; terminated at its end.
        var ours = await Cluster.Client.SendTaskAsync("interop.sleep", [300], options: new TaskSendOptions { Queue = ControlWorkers.CeleriacQueue });
        var python = await Cluster.Client.SendTaskAsync("interop.sleep", [300], options: new TaskSendOptions { Queue = ControlWorkers.PythonQueue });
        try
        {
            var active = new JsonObject();
            await Poll.UntilAsync(async () =>
            {
                active = Json(await BothAsync("inspect", "active", "--json")).AsObject();
                return active[PythonNode]!.AsArray().Count > 0 && active[CeleriacNode]!.AsArray().Count > 0;
            }, TimeSpan.FromSeconds(30), () => "both should run their task: " + active.Text());
            var activeText = await BothAsync("inspect", "active");
            var query = Json(await BothAsync("inspect", "query_task", ours.Id, python.Id, "--json"));
            var queryText = await BothAsync("inspect", "query_task", ours.Id, python.Id);
            // Python's celery CLI prints the Python worker's reply exactly as we do (its floats, nulls and separators).
            var celeryLine = await CeleryJsonLineAsync("inspect", "query_task", python.Id, "-d", PythonNode, "--json", "-t", ReplyTimeout);
            var ourLine = await RunAsync("inspect", "query_task", python.Id, "-d", PythonNode, "--json", "-t", ReplyTimeout);

            active[CeleriacNode]!.AsArray().Should().ContainSingle().Which!["id"]!.GetValue<string>().Should().Be(ours.Id);
            active[PythonNode]!.AsArray().Should().ContainSingle().Which!["id"]!.GetValue<string>().Should().Be(python.Id);
            ReplyShape.AssertSame(active[PythonNode]![0], active[CeleriacNode]![0]);
            NodeSections.Of(activeText.Output, CeleriacNode, Nodes).Should().Contain(ours.Id).And.Contain("interop.sleep").And.NotContain(python.Id);
            NodeSections.Of(activeText.Output, PythonNode, Nodes).Should().Contain(python.Id).And.Contain("interop.sleep").And.NotContain(ours.Id);

            // Each worker answers for the task it knows.
            query[CeleriacNode]!.AsObject().Select(t => t.Key).Should().Equal(ours.Id);
            query[PythonNode]!.AsObject().Select(t => t.Key).Should().Equal(python.Id);
            query[CeleriacNode]![ours.Id]![0]!.GetValue<string>().Should().Be("active");
            query[PythonNode]![python.Id]![0]!.GetValue<string>().Should().Be("active");
            ReplyShape.AssertSame(query[PythonNode]![python.Id], query[CeleriacNode]![ours.Id]);
            NodeSections.Of(queryText.Output, CeleriacNode, Nodes).Should().MatchRegex($@"{ours.Id}\s*│\s*active\s*│\s*interop\.sleep");
            NodeSections.Of(queryText.Output, PythonNode, Nodes).Should().MatchRegex($@"{python.Id}\s*│\s*active\s*│\s*interop\.sleep");
            ourLine.Output.TrimEnd().Should().Be(celeryLine);

            var terminate = await BothAsync("control", "terminate", "SIGTERM", ours.Id, python.Id);
            var again = ControlReplies(await BothAsync("control", "terminate", "SIGTERM", ours.Id, python.Id, "--json"));

            terminate.ExitCode.Should().Be(0, terminate.ToString());
            ShouldHaveRow(terminate, CeleriacNode, $"terminate: {ours.Id}");
            ShouldHaveRow(terminate, PythonNode, $"terminate: {python.Id}");
            again.Values.Should().AllSatisfy(r => r.Text().Should().Be("""{"ok":"terminate: tasks unknown"}"""), "both tasks are gone");
        }
        finally
        {
            // Frees the slots for the other tests even when an assertion failed first.
            await Cluster.Client.Control.RevokeAsync([ours.Id, python.Id], terminate: true);
        }
    }

    [InteropFact]
    public async Task Inspect_conf_and_active_queues_are_right_for_each_worker()
    {
        var conf = Json(await BothAsync("inspect", "conf", "--json"));
        var confText = await BothAsync("inspect", "conf");
        var queues = Json(await BothAsync("inspect", "active_queues", "--json"));
        var queuesText = await BothAsync("inspect", "active_queues");

        foreach (var node in Nodes)
        {
            conf[node]!["broker_url"]!.GetValue<string>().Should().StartWith(Transport + "://");
            conf[node]!["result_backend"]!.GetValue<string>().Should().Be(Cluster.Endpoints.BackendUrl);
            NodeSections.Of(confText.Output, node, Nodes).Should().MatchRegex($@"│\s*result_backend\s*│\s*{Cluster.Endpoints.BackendUrl}\s*│");
        }
        conf[CeleriacNode]!["broker_url"].Text().Should().Be(conf[PythonNode]!["broker_url"].Text(), "both mask a password alike");
        queues[PythonNode]!.AsArray().Select(q => q!["name"]!.GetValue<string>()).Should().Equal(ControlWorkers.PythonQueue);
        queues[CeleriacNode]!.AsArray().Select(q => q!["name"]!.GetValue<string>()).Should().Equal(ControlWorkers.CeleriacQueue);
        queues[CeleriacNode]![0].Text().Should().Be(queues[PythonNode]![0].Text().Replace(ControlWorkers.PythonQueue, ControlWorkers.CeleriacQueue));
        NodeSections.Of(queuesText.Output, CeleriacNode, Nodes).Should().Be(
            NodeSections.Of(queuesText.Output, PythonNode, Nodes).Replace(ControlWorkers.PythonQueue, ControlWorkers.CeleriacQueue),
            "the same table but for the queue's name");
    }

    [InteropFact]
    public async Task Inspect_stats_clock_report_and_revoked_of_our_worker_have_the_python_workers_shapes()
    {
        var stats = Json(await BothAsync("inspect", "stats", "--json"));
        var statsText = await BothAsync("inspect", "stats");
        var reportText = await BothAsync("inspect", "report");
        var celeryReport = await CeleryJsonLineAsync("inspect", "report", "-d", PythonNode, "--json", "-t", ReplyTimeout);
        var ourReport = await RunAsync("inspect", "report", "-d", PythonNode, "--json", "-t", ReplyTimeout);

        ReplyShape.AssertSame(stats[PythonNode], stats[CeleriacNode], dataKeyed: new HashSet<string> { "$.total", "$.broker.transport_options" });
        foreach (var node in Nodes)
        {
            stats[node]!["broker"]!["transport"]!.GetValue<string>().Should().Be(Transport);
            NodeSections.Of(statsText.Output, node, Nodes).Should().MatchRegex($@"│\s*broker\.transport\s*│\s*{Transport}\s*│");
        }
        foreach (var action in new[] { "clock", "report", "revoked" })
        {
            var json = Json(await BothAsync("inspect", action, "--json"));
            ReplyShape.AssertSame(json[PythonNode], json[CeleriacNode]);
        }
        NodeSections.Of(reportText.Output, PythonNode, Nodes).Should().Contain("software -> celery:5.2.6");
        NodeSections.Of(reportText.Output, CeleriacNode, Nodes).Should().Contain("software -> celeriac:");
        ourReport.Output.TrimEnd().Should().Be(celeryReport, "a multi-line string with quotes is escaped as Python's json.dumps does");
    }

    /// <summary>A line of <c>inspect registered</c> without the task's settings (<c>interop.add [rate_limit=10/m]</c>).</summary>
    private static string TaskName(string line) => line.Split(' ')[0];

    private static List<string> Names(JsonNode? list) => list!.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
