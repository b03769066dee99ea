using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// <c>celeriac control …</c> against a real Redis and a Celeriac worker, run in-process: the arguments reach the
/// worker as Celery's CLI sends them, the worker's answer is printed, a refusal exits 1.
/// </summary>
public sealed class ControlCommandTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    private const string Node = CliCluster.Node;

    [RedisFact]
    public async Task Rate_limit_reaches_the_worker_which_answers_in_a_table()
    {
        var run = await CliRun.RunAsync("control", "rate_limit", "cli.add", "10/m", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().MatchRegex($@"│\s*{Node}\s*│\s*new rate limit set successfully\s*│");
    }

    [RedisFact]
    public async Task Time_limit_reads_its_seconds_as_numbers()
    {
        var run = await CliRun.RunAsync("control", "time_limit", "cli.add", "30", "60.5", "--json", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        JsonNode.Parse(run.Output)![0]![Node]!["ok"]!.GetValue<string>().Should().Be("time limits set successfully");
    }

    [RedisFact]
    public async Task A_worker_refusing_the_command_exits_1_and_json_has_its_error()
    {
        var run = await CliRun.RunAsync("control", "rate_limit", "no.such.task", "1/s", "-j", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(1, run.ToString());
        // celery control -j prints broadcast's list of one-node replies.
        run.Output.Should().Be($"[{{\"{Node}\": {{\"error\": \"unknown task\"}}}}]" + Environment.NewLine);
    }

    [RedisFact]
    public async Task Revoke_sends_the_ids_which_inspect_revoked_then_lists()
    {
        var id = Guid.NewGuid().ToString();

        var run = await CliRun.RunAsync("control", "revoke", id, "-b", cluster.BrokerUrl, "--json");
        var revoked = await CliRun.RunAsync("inspect", "revoked", "-j", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        JsonNode.Parse(run.Output)![0]![Node]!["ok"]!.GetValue<string>().Should().Contain(id);
        JsonNode.Parse(revoked.Output)![Node]!.AsArray().Select(n => n!.GetValue<string>()).Should().Contain(id);
    }

    [RedisFact]
    public async Task Pool_grow_and_shrink_change_the_pool_by_n()
    {
        var before = cluster.Worker.Options.Concurrency;

        var grow = await CliRun.RunAsync("control", "pool_grow", "2", "-b", cluster.BrokerUrl);
        var stats = await CliRun.RunAsync("inspect", "stats", "-j", "-b", cluster.BrokerUrl);
        var shrink = await CliRun.RunAsync("control", "pool_shrink", "2", "-b", cluster.BrokerUrl);

        grow.ExitCode.Should().Be(0, grow.ToString());
        shrink.ExitCode.Should().Be(0, shrink.ToString());
        JsonNode.Parse(stats.Output)![Node]!["pool"]!["max-concurrency"]!.GetValue<int>().Should().Be(before + 2);
    }

    [RedisFact]
    public async Task Shutdown_stops_the_named_worker_which_does_not_reply_so_the_exit_is_3_as_in_celery()
    {
        // An app of its own, as a second worker process would have.
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = cluster.BrokerUrl;
            o.UseRedis();
        });
        var doomed = app.CreateWorker(w => w.Hostname = "doomed@test");
        await using (doomed)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            // A fanout keeps nothing for a mailbox not yet subscribed, so a ping must wait for the start; StartAsync
            // returns once the mailbox listens (RunAsync gives no such moment), and RunAsync then goes on with that start.
            await doomed.StartAsync();
            var running = doomed.RunAsync(stop.Token);
            var online = await CliRun.RunAsync("status", "-d", "doomed@test", "-t", "1", "-b", cluster.BrokerUrl);

            var run = await CliRun.RunAsync("control", "shutdown", "-d", "doomed@test", "-t", "0.5", "-b", cluster.BrokerUrl);

            online.ExitCode.Should().Be(0, online.ToString());
            run.ExitCode.Should().Be(3, run.ToString());
            run.ErrorLines.Should().ContainSingle().Which.Should().Contain("No nodes replied");
            await running.WaitAsync(TimeSpan.FromSeconds(30)); // stopped by the command, not by the token
            stop.IsCancellationRequested.Should().BeFalse();
        }
    }

    [Theory]
    [InlineData("control", "pool_grow", "many")]
    [InlineData("control", "time_limit", "cli.add", "soon")]
    [InlineData("control", "cancel_consumer", "a", "b")]
    [InlineData("control", "explode")]
    public async Task Bad_control_arguments_exit_2_before_anything_is_sent(params string[] args)
    {
        // A broker nothing listens on: a usage error must come before any connection is tried.
        var run = await CliRun.RunAsync([.. args, "-b", "redis://127.0.0.1:1/0"]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ");
    }
}
