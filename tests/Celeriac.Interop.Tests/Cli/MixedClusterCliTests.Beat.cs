using Celeriac.Cli.Tests;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests.Cli;

/// <summary><c>celeriac beat</c> and <c>celeriac report</c> in a mixed cluster.</summary>
public abstract partial class MixedClusterCliTests
{
    [InteropFact]
    public async Task Beat_from_a_schedule_file_sends_runs_that_the_python_and_the_celeriac_worker_carry_out()
    {
        var dir = Directory.CreateTempSubdirectory("celeriac-cli-beat-");
        var key = $"cli-beat-{Guid.NewGuid():N}";
        var schedule = Path.Combine(dir.FullName, "schedule.json");
        // The contract's schedule JSON (docs/interop.md, "Beat"): one entry for each worker's queue.
        await File.WriteAllTextAsync(schedule, $$$"""
            {
              "to-python":   {"task": "interop.record", "schedule": 1.0, "args": ["{{{key}}}:py", "tick"], "options": {{{Route(ControlWorkers.PythonQueue)}}}},
              "to-celeriac": {"task": "interop.record", "schedule": 1.0, "args": ["{{{key}}}:cx", "tick"], "options": {{{Route(ControlWorkers.CeleriacQueue)}}}}
            }
            """);
        // The beat logs from its own threads while it runs.
        var output = new SharedWriter();
        var error = new SharedWriter();
        using var stop = new CancellationTokenSource();
        var beat = CliApp.RunAsync(["beat", "-s", schedule, "--state", Path.Combine(dir.FullName, "state.json"), "--schedule-name", key,
            "-l", "info", "-b", Cluster.Endpoints.BrokerUrl], output, error, stop.Token);
        int exit;
        try
        {
            // interop.record also appends to KEY:python when the Python worker runs it.
            await Poll.UntilAsync(async () => await Cluster.Records.IntegerAsync("LLEN", $"{key}:py:python") > 0 && await Cluster.Records.IntegerAsync("LLEN", $"{key}:cx") > 0,
                TimeSpan.FromSeconds(30), () => $"both workers should run what the beat sent\n--- beat stdout\n{output.Text}\n--- beat stderr\n{error.Text}");
        }
        finally
        {
            await stop.CancelAsync();
            exit = await beat.WaitAsync(TimeSpan.FromSeconds(30));
            dir.Delete(recursive: true);
        }

        exit.Should().Be(0, "Ctrl+C stops beat cleanly: " + error.Text);
        (await Cluster.Records.IntegerAsync("LLEN", $"{key}:cx:python")).Should().Be(0, "the Celeriac worker ran the runs sent to its queue");
        output.Text.Should().StartWith("celeriac beat v");
        error.Text.Should().Contain("Scheduler: Sending due task to-python (interop.record)").And.Contain("Scheduler: Sending due task to-celeriac (interop.record)");
    }

    /// <summary>A schedule entry's <c>options</c> routing to <paramref name="queue"/> (see <see cref="PriorityQueues"/>), expiring as a beat's runs should.</summary>
    private string Route(string queue) => PriorityQueues
        ? $$"""{"exchange": "{{queue}}", "routing_key": "{{queue}}", "expires": 30}"""
        : $$"""{"queue": "{{queue}}", "expires": 30}""";

    [InteropFact]
    public async Task Report_with_workers_shows_ours_and_each_workers_own_in_text_and_json()
    {
        var text = await BothAsync("report", "--workers");
        var json = await BothAsync("report", "--workers", "--json");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().StartWith(Environment.NewLine + "software -> celeriac:").And.EndWith("2 nodes online." + Environment.NewLine);
        NodeSections.Of(text.Output, PythonNode, Nodes).Should().Contain("software -> celery:5.2.6");
        NodeSections.Of(text.Output, CeleriacNode, Nodes).Should().Contain("software -> celeriac:");
        json.ExitCode.Should().Be(0, json.ToString());
        var report = Json(json);
        report["transport"]!.GetValue<string>().Should().Be(Transport);
        report["workers"]!.AsObject().Select(w => w.Key).Should().BeEquivalentTo(Nodes);
        report["workers"]![PythonNode]!["ok"]!.GetValue<string>().Should().Contain("software -> celery:5.2.6");
    }
}
