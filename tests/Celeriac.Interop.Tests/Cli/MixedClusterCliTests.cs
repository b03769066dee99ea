using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Celeriac.Cli.Tests;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests.Cli;

/// <summary>
/// The <c>celeriac</c> command line (run in-process through <c>CliApp.RunAsync</c>, as the tool runs it) against a
/// cluster of a Python Celery prefork worker and a Celeriac InteropWorker (<see cref="ControlWorkers"/>), on real
/// Redis (<see cref="RedisMixedClusterCliTests"/>) and real RabbitMQ (<see cref="AmqpMixedClusterCliTests"/>): every
/// command sees and steers both kinds of worker, as text and as <c>--json</c>, and what it prints for the Python
/// worker has the shape of what it prints for ours — as <see cref="ControlCliTests"/> compares Python's own CLI.
/// The tests share the class's fixture: each restores what it changes (limits aside, on a task no other test runs).
/// </summary>
public abstract partial class MixedClusterCliTests
{
    /// <summary>The cluster's servers and a Celeriac client.</summary>
    private protected abstract InteropCluster Cluster { get; }

    /// <summary>The Python worker and the Celeriac worker.</summary>
    private protected abstract ControlWorkers Workers { get; }

    /// <summary>Python's own <c>celery</c> CLI on the cluster, for byte-for-byte comparisons.</summary>
    private protected abstract CeleryCli CeleryCli { get; }

    /// <summary>The broker's scheme, as <c>stats</c> reports it under <c>broker.transport</c>.</summary>
    protected abstract string Transport { get; }

    /// <summary>
    /// Long for a loaded 2-core box; a command naming both nodes with <c>-d</c> returns as soon as both answered,
    /// so this is only spent when a worker does not answer.
    /// </summary>
    private const string ReplyTimeout = "10";

    private string PythonNode => Workers.PythonNode;

    private string CeleriacNode => Workers.CeleriacNode;

    private string[] Nodes => [PythonNode, CeleriacNode];

    /// <summary>Runs the command line with the cluster's broker.</summary>
    private Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([.. args, "-b", Cluster.Endpoints.BrokerUrl]);

    /// <summary>Runs a remote-control command addressed to both workers by name.</summary>
    private Task<CliRun> BothAsync(params string[] args) => RunAsync([.. args, "-d", string.Join(',', Nodes), "-t", ReplyTimeout]);

    /// <summary>What a run printed with <c>--json</c>, after checking it printed nothing on stderr.</summary>
    private static JsonNode Json(CliRun run)
    {
        run.Error.Should().BeEmpty(run.ToString());
        return JsonNode.Parse(run.Output) ?? throw new InvalidOperationException("null JSON: " + run);
    }

    /// <summary>
    /// The replies of <c>control … --json</c>: Celery's list of one-node objects, <c>[{node: reply}, …]</c>, as a map
    /// (after checking there is one entry per worker).
    /// </summary>
    private Dictionary<string, JsonNode?> ControlReplies(CliRun run)
    {
        var list = Json(run).AsArray();
        list.Should().HaveCount(2, run.ToString()).And.AllSatisfy(e => e.Should().BeOfType<JsonObject>().Which.Should().HaveCount(1));
        var replies = list.Select(e => e!.AsObject().Single()).ToDictionary(e => e.Key, e => e.Value);
        replies.Keys.Should().BeEquivalentTo(Nodes, run.ToString());
        return replies;
    }

    /// <summary>The one-row-per-node table of a control command (or ping, clock) has <paramref name="reply"/> for <paramref name="node"/>.</summary>
    private static void ShouldHaveRow(CliRun run, string node, string reply) =>
        run.Output.Should().MatchRegex($@"│\s*{Regex.Escape(node)}\s*│\s*{Regex.Escape(reply)}\s*│", run.ToString());

    /// <summary>The line of Python's <c>celery … --json</c> output that is the JSON (it logs nothing else there, but be safe).</summary>
    private async Task<string> CeleryJsonLineAsync(params string[] args)
    {
        var (code, _, output) = await CeleryCli.RunAsync(args);
        code.Should().Be(0, output);
        return output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith('{') || l.StartsWith('['));
    }

    [InteropFact]
    public async Task Status_lists_both_workers_in_text_and_json()
    {
        // Without -d status waits the whole timeout for whoever answers.
        var text = await RunAsync("status", "-t", "2");
        var json = await BothAsync("status", "--json");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain($"->  {PythonNode}: OK").And.Contain($"->  {CeleriacNode}: OK")
            .And.EndWith("2 nodes online." + Environment.NewLine);
        json.ExitCode.Should().Be(0, json.ToString());
        var replies = Json(json).AsObject();
        replies.Select(r => r.Key).Should().BeEquivalentTo(Nodes);
        replies.Should().AllSatisfy(r => r.Value.Text().Should().Be("""{"ok":"pong"}"""));
    }
}
