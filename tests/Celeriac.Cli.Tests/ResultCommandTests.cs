using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary><c>celeriac result</c>: what the result backend holds for an id, as text and as the backend's meta JSON.</summary>
public sealed class ResultCommandTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private string[] Urls => ["-b", cluster.BrokerUrl, "--result-backend", cluster.BackendUrl];

    [RedisFact]
    public async Task A_success_prints_its_state_and_result_and_exits_0()
    {
        var sent = await cluster.App.SendTaskAsync("cli.add", [40, 2]);
        await sent.WaitAsync(Wait);

        var text = await CliRun.RunAsync(["result", sent.Id, .. Urls]);
        var json = await CliRun.RunAsync(["result", sent.Id, "--json", .. Urls]);

        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Be("state:  SUCCESS" + Environment.NewLine + "result: 42" + Environment.NewLine);
        json.ExitCode.Should().Be(0, json.ToString());
        var meta = JsonNode.Parse(json.Output)!;
        meta["status"]!.GetValue<string>().Should().Be("SUCCESS");
        meta["result"]!.GetValue<int>().Should().Be(42);
        meta["task_id"]!.GetValue<string>().Should().Be(sent.Id);
        json.Output.Should().StartWith("{\"status\": \"SUCCESS\", \"result\": 42, \"traceback\": null, \"children\": [], \"date_done\": \"",
            "the meta as Python's json.dumps writes the stored object, in its key order");
    }

    [RedisFact]
    public async Task A_failure_prints_the_exception_exits_1_and_traceback_adds_the_stored_traceback()
    {
        var sent = await cluster.App.SendTaskAsync("cli.fail", ["kaput"]);
        await sent.WaitAsync(Wait);

        var plain = await CliRun.RunAsync(["result", sent.Id, .. Urls]);
        var traced = await CliRun.RunAsync(["result", sent.Id, "--traceback", .. Urls]);
        var json = await CliRun.RunAsync(["result", sent.Id, "-j", .. Urls]);

        plain.ExitCode.Should().Be(1, plain.ToString());
        plain.Output.Should().Be("state:  FAILURE" + Environment.NewLine + "error:  InvalidOperationException: kaput" + Environment.NewLine);
        traced.ExitCode.Should().Be(1, traced.ToString());
        traced.Output.Should().StartWith(plain.Output + "traceback:" + Environment.NewLine).And.Contain("kaput");
        json.ExitCode.Should().Be(1, json.ToString());
        var meta = JsonNode.Parse(json.Output)!;
        meta["result"]!["exc_type"]!.GetValue<string>().Should().Be("InvalidOperationException");
        meta["traceback"]!.GetValue<string>().Should().Contain("kaput");
    }

    [RedisFact]
    public async Task An_unknown_id_is_pending_as_celery_says_and_exits_0()
    {
        var id = Guid.NewGuid().ToString();

        var text = await CliRun.RunAsync(["result", id, .. Urls]);
        var json = await CliRun.RunAsync(["result", id, "--json", .. Urls]);

        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Be("state:  PENDING" + Environment.NewLine);
        json.Output.Should().Be($"{{\"status\": \"PENDING\", \"result\": null, \"traceback\": null, \"children\": [], \"date_done\": null, \"task_id\": \"{id}\"}}"
            + Environment.NewLine);
    }

    [RedisFact]
    public async Task The_backend_alone_is_enough_as_for_celery_result()
    {
        var sent = await cluster.App.SendTaskAsync("cli.add", [1, 2]);
        await sent.WaitAsync(Wait);

        var run = await CliRun.RunAsync("result", sent.Id, "--result-backend", cluster.BackendUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().EndWith("result: 3" + Environment.NewLine);
    }

    [Fact]
    public async Task Without_a_result_backend_it_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("result", Guid.NewGuid().ToString(), "-b", "redis://127.0.0.1:1/0");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("result needs a result backend");
    }
}
