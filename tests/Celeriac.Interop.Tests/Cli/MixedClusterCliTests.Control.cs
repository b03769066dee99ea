using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests.Cli;

/// <summary><c>celeriac control</c>: each action carried out by both workers, which answer in the same words.</summary>
public abstract partial class MixedClusterCliTests
{
    /// <summary>The task the limits are set on: no other test of the class runs it.</summary>
    private const string LimitedTask = "interop.xsum";

    [InteropFact]
    public async Task Rate_limit_and_time_limit_get_the_same_answer_from_both_workers()
    {
        var rate = await BothAsync("control", "rate_limit", LimitedTask, "10/m");
        var time = ControlReplies(await BothAsync("control", "time_limit", LimitedTask, "50", "60", "--json"));
        var unknownRun = await BothAsync("control", "rate_limit", "no.such.task", "1/s", "--json");
        var unknown = ControlReplies(unknownRun);
        var registered = Json(await BothAsync("inspect", "registered", "rate_limit", "time_limit", "--json"));

        rate.ExitCode.Should().Be(0, rate.ToString());
        ShouldHaveRow(rate, PythonNode, "new rate limit set successfully");
        ShouldHaveRow(rate, CeleriacNode, "new rate limit set successfully");
        time.Values.Should().AllSatisfy(r => r.Text().Should().Be("""{"ok":"time limits set successfully"}"""));
        unknownRun.ExitCode.Should().Be(1, "a worker answering with an error fails the command");
        unknown[CeleriacNode].Text().Should().Be(unknown[PythonNode].Text()).And.Be("""{"error":"unknown task"}""");
        // Both workers now report the limits as Celery's registered does (str of the task's attributes).
        Names(registered[CeleriacNode]).Should().Contain($"{LimitedTask} [rate_limit=10/m time_limit=60]")
            .And.Equal(Names(registered[PythonNode]).Where(n => !n.StartsWith("py.", StringComparison.Ordinal)).Append("interop.cs_only_double").Order(StringComparer.Ordinal));
    }

    [InteropFact]
    public async Task Add_consumer_and_cancel_consumer_change_what_both_workers_consume()
    {
        const string queue = "ctl.cli.extra";

        var add = await BothAsync("control", "add_consumer", queue);
        var consuming = Json(await BothAsync("inspect", "active_queues", "--json"));
        var cancel = ControlReplies(await BothAsync("control", "cancel_consumer", queue, "--json"));
        var after = new JsonObject();
        await Poll.UntilAsync(async () =>
        {
            after = Json(await BothAsync("inspect", "active_queues", "--json")).AsObject();
            return Nodes.All(n => !QueueNames(after[n]).Contains(queue));
        }, TimeSpan.FromSeconds(20), () => "neither should consume from the queue any more: " + after.Text());

        add.ExitCode.Should().Be(0, add.ToString());
        ShouldHaveRow(add, PythonNode, $"add consumer {queue}");
        ShouldHaveRow(add, CeleriacNode, $"add consumer {queue}");
        QueueNames(consuming[PythonNode]).Should().Contain(queue);
        QueueNames(consuming[CeleriacNode]).Should().Contain(queue);
        cancel.Values.Should().AllSatisfy(r => r.Text().Should().Be($$"""{"ok":"no longer consuming from {{queue}}"}"""));
    }

    [InteropFact]
    public async Task Pool_grow_and_shrink_answer_alike_and_both_refuse_autoscale_without_an_autoscaler()
    {
        var before = OurConcurrency(Json(await BothAsync("inspect", "stats", "--json")));

        var grow = await BothAsync("control", "pool_grow", "1");
        await UntilOurConcurrencyAsync(before + 1);
        var shrink = ControlReplies(await BothAsync("control", "pool_shrink", "1", "--json"));
        await UntilOurConcurrencyAsync(before);
        var autoscale = await BothAsync("control", "autoscale", "4", "1");
        var autoscaleJson = ControlReplies(await BothAsync("control", "autoscale", "4", "1", "--json"));

        grow.ExitCode.Should().Be(0, grow.ToString());
        ShouldHaveRow(grow, PythonNode, "pool will grow");
        ShouldHaveRow(grow, CeleriacNode, "pool will grow");
        shrink.Values.Should().AllSatisfy(r => r.Text().Should().Be("""{"ok":"pool will shrink"}"""));
        // The fixture's workers run without --autoscale: Celery's ValueError, from both.
        autoscale.ExitCode.Should().Be(1, autoscale.ToString());
        ShouldHaveRow(autoscale, PythonNode, "error: ValueError('Autoscale not enabled')");
        ShouldHaveRow(autoscale, CeleriacNode, "error: ValueError('Autoscale not enabled')");
        autoscaleJson[CeleriacNode].Text().Should().Be(autoscaleJson[PythonNode].Text());
    }

    [InteropFact]
    public async Task Enable_and_disable_events_and_heartbeat_answer_in_celerys_words()
    {
        var enable = await BothAsync("control", "enable_events");
        var disable = ControlReplies(await BothAsync("control", "disable_events", "--json"));
        var heartbeatRun = await BothAsync("control", "heartbeat", "--json");
        var heartbeat = ControlReplies(heartbeatRun);

        // Our worker starts without task events. The fixture's Python worker runs without -E and without a heart, so it has
        // no event dispatcher and Celery's own commands fail there with AttributeError: the command shows that node's
        // error beside our node's answer, and exits 1.
        enable.ExitCode.Should().Be(1, enable.ToString());
        ShouldHaveRow(enable, CeleriacNode, "task events enabled");
        enable.Output.Should().MatchRegex($@"│\s*{PythonNode}\s*│\s*error: AttributeError\(");
        disable[CeleriacNode].Text().Should().Be("""{"ok":"task events disabled"}""");
        disable[PythonNode]!["error"]!.GetValue<string>().Should().StartWith("AttributeError(");
        heartbeatRun.ExitCode.Should().Be(1, heartbeatRun.ToString());
        heartbeat[CeleriacNode].Should().BeNull("Celery's heartbeat command returns None");
        heartbeat[PythonNode]!["error"]!.GetValue<string>().Should().StartWith("AttributeError(");
    }

    [InteropFact]
    public async Task Revoke_is_carried_out_by_both_workers_which_then_list_the_id()
    {
        var id = Guid.NewGuid().ToString();

        var revoke = await BothAsync("control", "revoke", id);
        var revoked = Json(await BothAsync("inspect", "revoked", "--json"));
        var revokedText = await BothAsync("inspect", "revoked");

        revoke.ExitCode.Should().Be(0, revoke.ToString());
        ShouldHaveRow(revoke, PythonNode, $"tasks {id} flagged as revoked");
        ShouldHaveRow(revoke, CeleriacNode, $"tasks {id} flagged as revoked");
        foreach (var node in Nodes)
        {
            Names(revoked[node]).Should().Contain(id);
            NodeSections.Of(revokedText.Output, node, Nodes).Should().Contain(id);
        }
    }

    /// <summary>The Celeriac worker's pool size as <c>inspect stats</c> reports it.</summary>
    private int OurConcurrency(JsonNode stats) => stats[CeleriacNode]!["pool"]!["max-concurrency"]!.GetValue<int>();

    /// <summary>
    /// Waits until <c>inspect stats</c> reports our worker's pool at <paramref name="size"/> (Python's prefork reports its
    /// configured limit as max-concurrency whatever the pool's size, so only ours is checked).
    /// </summary>
    private async Task UntilOurConcurrencyAsync(int size)
    {
        var now = 0;
        await Poll.UntilAsync(async () => (now = OurConcurrency(Json(await BothAsync("inspect", "stats", "--json")))) == size,
            TimeSpan.FromSeconds(10), () => $"our pool should be {size}, stats say {now}");
    }

    private static List<string> QueueNames(JsonNode? queues) => queues!.AsArray().Select(q => q!["name"]!.GetValue<string>()).ToList();
}
