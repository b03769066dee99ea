using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// <c>celeriac events --dump</c> in-process against the Celeriac worker (which sends task events, -E): the lines
/// Celery's dumper prints, the <c>--json</c> objects, <c>--count</c>, and the fallback to lines when the output is
/// not a terminal.
/// </summary>
public sealed class EventsDumpTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    private const string Node = CliCluster.Node;
    private const string Time = @"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\]";

    [RedisFact]
    public async Task Dump_prints_heartbeats_and_a_tasks_events_as_celery_does_in_text_and_json()
    {
        var text = new SharedWriter();
        var json = new SharedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var textRun = CliApp.RunAsync(["events", "--dump", "-b", cluster.BrokerUrl], text, new SharedWriter(), stop.Token);
        var jsonRun = CliApp.RunAsync(["events", "--dump", "--json", "-b", cluster.BrokerUrl], json, new SharedWriter(), stop.Token);
        // Each dump sees the heartbeat its own wake-up asked for once it is subscribed.
        await UntilAsync(() => text.Text.Contains($"{Node} [") && json.Text.Contains("\"worker-heartbeat\""));

        var sent = await cluster.App.SendTaskAsync("cli.add", [2, 3]);
        await UntilAsync(() => text.Text.Contains($"task succeeded: cli.add({sent.Id})") && json.Text.Contains("\"task-succeeded\""));
        await stop.CancelAsync();

        (await textRun).Should().Be(0, "Ctrl+C is how a dump ends");
        (await jsonRun).Should().Be(0);
        var lines = text.Text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("-> evdump: starting capture...");
        var id = Regex.Escape(sent.Id);
        var task = $@"cli\.add\({id}\) args=\(2, 3\) kwargs=\{{\}}";
        var common = @"local_received=\d+\.\d+, pid=\d+";
        lines.Should().Contain(l => Regex.IsMatch(l,
            $@"^{Node} {Time} heartbeat: (active=\d+, )?clock=\d+, freq=\d+(\.\d+)?, (loadavg=\[[\d., ]+\], )?{common}, (processed=\d+, )?sw_ident=celeriac, sw_sys=\w+, sw_ver=\S+, utcoffset=-?\d+$"));
        lines.Should().Contain(l => Regex.IsMatch(l,
            $@"^{Node} {Time} task received: {task} clock=\d+, eta=None, expires=None, local_received=\d+\.\d+, parent_id=None, pid=\d+, retries=0, root_id={id}, utcoffset=-?\d+$"));
        lines.Should().Contain(l => Regex.IsMatch(l, $@"^{Node} {Time} task started: {task} clock=\d+, {common}, utcoffset=-?\d+$"));
        lines.Should().Contain(l => Regex.IsMatch(l,
            $@"^{Node} {Time} task succeeded: {task} clock=\d+, {common}, result=5, runtime=\d+(\.\d+)?(e-\d+)?, utcoffset=-?\d+$"));

        var events = json.Text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        events.Should().Contain(e => (string?)e["type"] == "worker-heartbeat" && (string?)e["hostname"] == Node && (string?)e["sw_ident"] == "celeriac");
        var mine = events.Where(e => (string?)e["uuid"] == sent.Id).Select(e => (string?)e["type"]).ToList();
        mine.Should().ContainInOrder("task-received", "task-started", "task-succeeded");
        var succeeded = events.Single(e => (string?)e["uuid"] == sent.Id && (string?)e["type"] == "task-succeeded");
        ((string?)succeeded["result"]).Should().Be("5");
        succeeded["local_received"].Should().NotBeNull("the receiver's adjustments are in the fields");
    }

    [RedisFact]
    public async Task Count_stops_the_dump_and_a_redirected_output_gets_lines_instead_of_the_live_view()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = new SharedWriter();
        var error = new SharedWriter();

        var code = await CliApp.RunAsync(["events", "--count", "1", "-b", cluster.BrokerUrl], output, error, timeout.Token);

        code.Should().Be(0, error.Text);
        error.Text.Should().Contain("not a terminal").And.Contain("--dump");
        var lines = output.Text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2, output.Text).And.StartWith("-> evdump: starting capture...");
        lines[1].Should().MatchRegex($@"^{Node} {Time} heartbeat: ");
    }

    [Fact]
    public async Task Count_and_max_tasks_must_be_positive()
    {
        var count = await CliRun.RunAsync("events", "--count", "0", "-b", "redis://localhost:1/0");
        var max = await CliRun.RunAsync("events", "--max-tasks", "-3", "-b", "redis://localhost:1/0");

        count.ExitCode.Should().Be(2, count.ToString());
        count.Error.Trim().Should().Be("celeriac: --count must be a positive number of events, not 0");
        max.ExitCode.Should().Be(2, max.ToString());
        max.Error.Trim().Should().Be("celeriac: --max-tasks must be a positive number of tasks, not -3");
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
