using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// <c>celeriac status</c> and <c>celeriac inspect …</c> against a real Redis and a Celeriac worker, run in-process:
/// tables for people, Celery's <c>-j</c> JSON for scripts, exit 3 when no worker replies.
/// </summary>
public sealed class InspectCommandTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    private const string Node = CliCluster.Node;

    [RedisFact]
    public async Task Status_lists_the_worker_and_says_how_many_nodes_are_online()
    {
        var run = await CliRun.RunAsync("status", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain($"->  {Node}: OK").And.Contain("1 node online.");
        run.Error.Should().BeEmpty();
    }

    [RedisFact]
    public async Task Status_json_is_the_ping_replies_as_celery_prints_them()
    {
        var run = await CliRun.RunAsync("status", "--json", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        // kombu's dumps: json.dumps with ", " and ": " separators, one line.
        run.Output.Should().Be($"{{\"{Node}\": {{\"ok\": \"pong\"}}}}" + Environment.NewLine);
    }

    [RedisFact]
    public async Task Inspect_ping_as_a_table_has_the_node_and_its_pong()
    {
        var run = await CliRun.RunAsync("-b", cluster.BrokerUrl, "inspect", "ping");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().MatchRegex($@"│\s*{Node}\s*│\s*pong\s*│").And.EndWith("1 node online." + Environment.NewLine);
        run.Output.Should().NotContain("\u001b[", "colours are off when the output is not a terminal");
    }

    [RedisFact]
    public async Task Inspect_registered_lists_the_workers_tasks_in_text_and_json()
    {
        var text = await CliRun.RunAsync("inspect", "registered", "-b", cluster.BrokerUrl);
        var json = await CliRun.RunAsync("inspect", "registered", "-b", cluster.BrokerUrl, "--json");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain(Node).And.Contain("cli.add").And.Contain("cli.block");
        json.ExitCode.Should().Be(0, json.ToString());
        var names = JsonNode.Parse(json.Output)![Node]!.AsArray().Select(n => n!.GetValue<string>());
        names.Should().Contain(["cli.add", "cli.block"]);
    }

    [RedisFact]
    public async Task Inspect_active_shows_a_running_task_in_text_and_json()
    {
        var running = await cluster.App.SendTaskAsync("cli.block", []);
        try
        {
            await UntilAsync(() => cluster.Worker.Active == 1);

            var json = await CliRun.RunAsync("inspect", "active", "-j", "-b", cluster.BrokerUrl, "-d", Node);
            var text = await CliRun.RunAsync("inspect", "active", "-b", cluster.BrokerUrl);

            json.ExitCode.Should().Be(0, json.ToString());
            var active = JsonNode.Parse(json.Output)![Node]!.AsArray();
            active.Should().ContainSingle();
            active[0]!["id"]!.GetValue<string>().Should().Be(running.Id);
            active[0]!["name"]!.GetValue<string>().Should().Be("cli.block");
            text.ExitCode.Should().Be(0, text.ToString());
            text.Output.Should().Contain(running.Id).And.Contain("cli.block").And.Contain("1 node online.");
        }
        finally
        {
            cluster.ReleaseBlocked();
        }
    }

    [RedisFact]
    public async Task Inspect_query_task_without_ids_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("inspect", "query_task", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("query_task needs at least one task id");
    }

    [RedisFact]
    public async Task A_destination_no_worker_has_exits_3()
    {
        var run = await CliRun.RunAsync("inspect", "ping", "-b", cluster.BrokerUrl, "-d", "nobody@nowhere", "-t", "0.5");

        run.ExitCode.Should().Be(3, run.ToString());
        run.Output.Should().BeEmpty();
        run.ErrorLines.Should().ContainSingle().Which.Should().Be("celeriac: No nodes replied within time constraint");
    }

    [RedisFact]
    public async Task A_broker_with_no_worker_exits_3()
    {
        await using var empty = await RedisServer.StartAsync();

        var run = await CliRun.RunAsync("status", "-b", empty.Url(), "-t", "0.5");

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("No nodes replied");
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in 30 s");
            await Task.Delay(20);
        }
    }
}
