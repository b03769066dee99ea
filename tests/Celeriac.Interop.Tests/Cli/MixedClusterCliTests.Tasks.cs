using Celeriac.Cli.Tests;
using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests.Cli;

/// <summary><c>celeriac call</c>, <c>result</c> and <c>purge</c>: tasks by name to either kind of worker, results either wrote, queues both clients filled.</summary>
public abstract partial class MixedClusterCliTests
{
    /// <summary>
    /// True when the fleet's queues are priority queues (RabbitMQ here: every side declares <c>x-max-priority</c>, as a
    /// real mixed fleet must). The standalone tool has no app settings to say so: sending with <c>--queue</c> declares the
    /// queue without the argument, which RabbitMQ refuses (406 PRECONDITION_FAILED). It sends through the queue's own
    /// exchange instead (<c>--exchange Q --routing-key Q</c>, as Celery binds a queue named by a route), which declares nothing.
    /// </summary>
    private protected virtual bool PriorityQueues => false;

    /// <summary><c>call</c>'s routing to <paramref name="queue"/> (see <see cref="PriorityQueues"/>).</summary>
    private string[] RouteTo(string queue) => PriorityQueues ? ["--exchange", queue, "--routing-key", queue] : ["--queue", queue];

    /// <summary>Runs the command line with the cluster's broker and result backend.</summary>
    private Task<CliRun> RunWithBackendAsync(params string[] args) => RunAsync([.. args, "--result-backend", Cluster.Endpoints.BackendUrl]);

    [InteropFact]
    public async Task Call_wait_runs_a_python_only_task_and_a_celeriac_only_task_and_prints_their_results()
    {
        var python = await RunWithBackendAsync(["call", "py.add_one", "-a", "[41]", .. RouteTo(ControlWorkers.PythonQueue), "--wait", "--wait-timeout", "60"]);
        var ours = await RunWithBackendAsync(["call", "interop.cs_only_double", "-a", "[21]", .. RouteTo(ControlWorkers.CeleriacQueue),
            "--wait", "--wait-timeout", "60", "--json"]);

        python.ExitCode.Should().Be(0, python.ToString());
        var lines = python.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(3, python.ToString());
        Guid.TryParse(lines[0], out _).Should().BeTrue("call prints the id first: " + python);
        lines[1..].Should().Equal("state:  SUCCESS", "result: 42");
        ours.ExitCode.Should().Be(0, ours.ToString());
        var meta = Json(ours);
        meta["status"]!.GetValue<string>().Should().Be("SUCCESS");
        meta["result"]!.GetValue<long>().Should().Be(42);
    }

    [InteropFact]
    public async Task Result_reads_what_the_python_worker_stored_a_value_and_a_failure_with_its_traceback()
    {
        // Sent by our call without --wait, which prints only the id.
        var sent = await Task.WhenAll(
            RunAsync(["call", "py.add_one", "-a", "[1]", .. RouteTo(ControlWorkers.PythonQueue)]),
            RunAsync(["call", "interop.fail", "-a", """["boom"]""", .. RouteTo(ControlWorkers.PythonQueue)]));
        sent.Should().AllSatisfy(s => s.ExitCode.Should().Be(0, s.ToString()));
        var (added, failed) = (sent[0].Output.Trim(), sent[1].Output.Trim());
        IReadOnlyList<string?> states = [];
        await Poll.UntilAsync(async () => (states = await Cluster.StatusesAsync([added, failed])).All(s => s is not null),
            TimeSpan.FromSeconds(60), () => "the Python worker should store both results: " + string.Join(", ", states));

        var value = await RunWithBackendAsync("result", added);
        var valueJson = await RunWithBackendAsync("result", added, "--json");
        var failure = await RunWithBackendAsync("result", failed, "--traceback");
        var unknown = await RunWithBackendAsync("result", Guid.NewGuid().ToString());

        value.ExitCode.Should().Be(0, value.ToString());
        value.Output.Should().Be($"state:  SUCCESS{Environment.NewLine}result: 2{Environment.NewLine}");
        var meta = Json(valueJson);
        meta["status"]!.GetValue<string>().Should().Be("SUCCESS");
        meta["result"]!.GetValue<long>().Should().Be(2);
        meta["task_id"]!.GetValue<string>().Should().Be(added);
        failure.ExitCode.Should().Be(1, "a failed task fails the command: " + failure);
        failure.Output.Should().Contain("state:  FAILURE").And.Contain("error:  ValueError: boom")
            .And.Contain("traceback:").And.Contain("Traceback (most recent call last):", "the Python worker's own traceback");
        unknown.ExitCode.Should().Be(0, unknown.ToString());
        unknown.Output.Should().StartWith("state:  PENDING");
    }

    [InteropFact]
    public async Task Purge_deletes_what_python_and_celeriac_clients_left_on_a_queue_no_worker_consumes()
    {
        const string queue = "ctl.cli.purge";
        // The Python client first: it declares the queue (and binds it to its exchange) as Celery does.
        await Cluster.PythonClient.SendAsync(Enumerable.Range(0, 3)
            .Select(i => (object)new { name = "interop.add", args = new[] { i, i }, queue }).ToArray());
        var ours = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => RunAsync(["call", "interop.add", "-a", $"[{i}, {i}]", .. RouteTo(queue)])));
        ours.Should().AllSatisfy(s => s.ExitCode.Should().Be(0, s.ToString()));

        var purge = await RunAsync("purge", "-Q", queue, "-f", "--json");
        var again = await RunAsync("purge", "-Q", queue, "-f");

        purge.ExitCode.Should().Be(0, purge.ToString());
        Json(purge).Text().Should().Be($$$"""{"purged":5,"queues":{"{{{queue}}}":5}}""");
        again.ExitCode.Should().Be(0, again.ToString());
        again.Output.Should().Be("No messages purged from 1 queue." + Environment.NewLine);
    }
}
