using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// <c>celeriac call</c> against a real Redis and a Celeriac worker: the task is sent by name, the worker runs it,
/// the timing and routing options end up in the message (the worker's <c>cli.request</c> returns what it got), and
/// <c>--wait</c> prints the result or exits 1 for a failure.
/// </summary>
public sealed class CallCommandTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private string[] Urls => ["-b", cluster.BrokerUrl, "--result-backend", cluster.BackendUrl];

    [RedisFact]
    public async Task Call_prints_the_id_and_the_worker_runs_the_task()
    {
        var run = await CliRun.RunAsync(["call", "cli.add", "-a", "[2, 3]", .. Urls]);

        run.ExitCode.Should().Be(0, run.ToString());
        var id = run.Output.TrimEnd();
        Guid.TryParse(id, out _).Should().BeTrue(run.ToString());
        (await cluster.App.Result(id).GetAsync<int>(Wait)).Should().Be(5);
    }

    [RedisFact]
    public async Task Call_json_prints_the_id_as_an_object()
    {
        var run = await CliRun.RunAsync(["call", "cli.add", "-k", """{"x": 1, "y": 1}""", "--json", .. Urls]);

        run.ExitCode.Should().Be(0, run.ToString());
        var id = JsonNode.Parse(run.Output)!["id"]!.GetValue<string>();
        run.Output.Should().Be($"{{\"id\": \"{id}\"}}" + Environment.NewLine);
        (await cluster.App.Result(id).GetAsync<int>(Wait)).Should().Be(2);
    }

    [RedisFact]
    public async Task Call_wait_prints_the_id_then_the_result_and_exits_0()
    {
        var run = await CliRun.RunAsync(["call", "cli.request", "-a", """["a", 1]""", "-k", """{"k": null}""", "--wait", .. Urls]);

        run.ExitCode.Should().Be(0, run.ToString());
        var lines = run.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(3, run.ToString());
        Guid.TryParse(lines[0], out _).Should().BeTrue();
        lines[1].Should().Be("state:  SUCCESS");
        lines[2].Should().StartWith("result: {").And.Contain("\"args\": [\"a\", 1]").And.Contain("\"kwargs\": {\"k\": null}").And.Contain("\"queue\": \"celery\"");
    }

    [RedisFact]
    public async Task Call_wait_json_prints_the_backends_meta()
    {
        var run = await CliRun.RunAsync(["call", "cli.add", "-a", "[20, 22]", "--wait", "-j", .. Urls]);

        run.ExitCode.Should().Be(0, run.ToString());
        var meta = JsonNode.Parse(run.Output)!;
        meta["status"]!.GetValue<string>().Should().Be("SUCCESS");
        meta["result"]!.GetValue<int>().Should().Be(42);
        Guid.TryParse(meta["task_id"]!.GetValue<string>(), out _).Should().BeTrue();
    }

    [RedisFact]
    public async Task Call_wait_on_a_failing_task_exits_1_with_the_exception_and_traceback_when_asked()
    {
        var plain = await CliRun.RunAsync(["call", "cli.fail", "-a", """["boom"]""", "--wait", .. Urls]);
        var traced = await CliRun.RunAsync(["call", "cli.fail", "-a", """["bang"]""", "--wait", "--traceback", .. Urls]);

        plain.ExitCode.Should().Be(1, plain.ToString());
        plain.Output.Should().Contain("state:  FAILURE").And.Contain("error:  InvalidOperationException: boom").And.NotContain("traceback:");
        traced.ExitCode.Should().Be(1, traced.ToString());
        traced.Output.Should().Contain("error:  InvalidOperationException: bang").And.Contain("traceback:" + Environment.NewLine).And.Contain("InvalidOperationException");
    }

    [RedisFact]
    public async Task Countdown_and_expires_in_seconds_reach_the_worker_as_eta_and_expires()
    {
        var before = DateTimeOffset.UtcNow;

        var run = await CliRun.RunAsync(["call", "cli.request", "--countdown", "0.2", "--expires", "600", "--wait", "-j", .. Urls]);

        run.ExitCode.Should().Be(0, run.ToString());
        var request = JsonNode.Parse(run.Output)!["result"]!;
        var eta = DateTimeOffset.Parse(request["eta"]!.GetValue<string>());
        var expires = DateTimeOffset.Parse(request["expires"]!.GetValue<string>());
        eta.Should().BeOnOrAfter(before.AddSeconds(0.2).AddMilliseconds(-1)).And.BeBefore(before.AddSeconds(30));
        expires.Should().BeOnOrAfter(before.AddSeconds(600).AddMilliseconds(-1)).And.BeBefore(before.AddSeconds(630));
    }

    [RedisFact]
    public async Task An_iso_eta_and_expires_reach_the_worker_as_given_and_a_naive_time_is_utc()
    {
        var eta = DateTimeOffset.UtcNow.AddSeconds(-5); // in the past: it runs at once
        var expires = new DateTimeOffset(2099, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var run = await CliRun.RunAsync(["call", "cli.request", "--eta", eta.ToString("yyyy-MM-ddTHH:mm:ss.ffffffzzz"),
            "--expires", "2099-01-02T03:04:05", "--wait", "-j", .. Urls]);

        run.ExitCode.Should().Be(0, run.ToString());
        var request = JsonNode.Parse(run.Output)!["result"]!;
        DateTimeOffset.Parse(request["eta"]!.GetValue<string>()).Should().BeCloseTo(eta, TimeSpan.FromMilliseconds(1));
        DateTimeOffset.Parse(request["expires"]!.GetValue<string>()).Should().Be(expires);
    }

    [RedisFact]
    public async Task An_expired_task_is_revoked_by_the_worker_so_wait_exits_1()
    {
        var run = await CliRun.RunAsync(["call", "cli.add", "-a", "[1, 1]", "--expires", "2001-01-01T00:00:00Z", "--wait", .. Urls]);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Output.Should().Contain("state:  REVOKED");
    }

    [RedisFact]
    public async Task Queue_routes_the_message_there_and_not_to_the_workers_queue()
    {
        const string queue = "call-routed";

        var run = await CliRun.RunAsync(["call", "cli.add", "-a", "[1, 2]", "--queue", queue, .. Urls]);
        var purge = await CliRun.RunAsync("purge", "-Q", queue, "-f", "--json", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(0, run.ToString());
        JsonNode.Parse(purge.Output)!["queues"]![queue]!.GetValue<long>().Should().Be(1, purge.ToString());
        (await cluster.App.Result(run.Output.TrimEnd()).RefreshAsync()).State.Should().Be("PENDING", "nobody consumes that queue");
    }

    [RedisFact]
    public async Task Wait_timeout_gives_up_with_exit_1_naming_the_id()
    {
        var run = await CliRun.RunAsync(["call", "cli.add", "-a", "[1, 2]", "--queue", "call-nobody", "--wait", "--wait-timeout", "0.3", .. Urls]);

        run.ExitCode.Should().Be(1, run.ToString());
        var id = run.Output.TrimEnd();
        run.ErrorLines.Should().ContainSingle().Which.Should().Be($"celeriac: task {id} was not done within 0.3 s; it may still run: celeriac result {id}");
    }

    [RedisFact]
    public async Task Cancelling_the_wait_ctrl_c_ends_it_with_one_line_and_exit_1()
    {
        using var cancel = new CancellationTokenSource();
        // Ctrl+C once the id is out, i.e. while waiting: the writer cancels on the first line written.
        using var output = new CancelOnWrite(cancel);
        using var error = new StringWriter();

        var code = await CliApp.RunAsync(["call", "cli.add", "-a", "[1, 2]", "--queue", "call-nobody", "--wait", .. Urls],
            output, error, CliRun.NoInput, cancel.Token);

        var run = new CliRun(code, output.ToString(), error.ToString());
        run.ExitCode.Should().Be(1, run.ToString());
        var id = run.Output.TrimEnd();
        run.ErrorLines.Should().ContainSingle().Which.Should().Be($"celeriac: cancelled while waiting; task {id} was sent and may still run: celeriac result {id}");
    }

    private sealed class CancelOnWrite(CancellationTokenSource cancel) : StringWriter
    {
        public override Task WriteLineAsync(string? value)
        {
            base.WriteLine(value);
            cancel.Cancel();
            return Task.CompletedTask;
        }
    }

    [RedisFact]
    public async Task Wait_without_a_result_backend_is_a_usage_error_and_sends_nothing()
    {
        var run = await CliRun.RunAsync("call", "cli.add", "-a", "[1, 2]", "--queue", "call-no-backend", "--wait", "-b", cluster.BrokerUrl);
        var purge = await CliRun.RunAsync("purge", "-Q", "call-no-backend", "-f", "-b", cluster.BrokerUrl);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("call --wait needs a result backend").And.Contain("--result-backend");
        purge.Output.Should().Be("No messages purged from 1 queue." + Environment.NewLine);
    }

    [Theory]
    [InlineData(new[] { "-a", "[1, 2" }, "-a/--args: not valid JSON")]
    [InlineData(new[] { "-a", "{\"x\": 1}" }, "-a/--args: expected a JSON array")]
    [InlineData(new[] { "-k", "[1]" }, "-k/--kwargs: expected a JSON object")]
    [InlineData(new[] { "--eta", "tomorrow" }, "--eta 'tomorrow' is not an ISO 8601 time")]
    [InlineData(new[] { "--countdown", "soon" }, "--countdown 'soon' is not a number of seconds")]
    [InlineData(new[] { "--countdown", "NaN" }, "--countdown 'NaN' is not a usable number of seconds")]
    [InlineData(new[] { "--expires", "later" }, "--expires 'later' is not an ISO 8601 time")]
    [InlineData(new[] { "--eta", "2030-01-01T00:00:00Z", "--countdown", "5" }, "--eta and --countdown both say when to run")]
    [InlineData(new[] { "--serializer", "pickle" }, "--serializer 'pickle' is not supported")]
    [InlineData(new[] { "--wait", "--wait-timeout", "0", "--result-backend", "redis://localhost:6379/1" }, "--wait-timeout '0' is not a positive number")]
    public async Task Bad_input_is_a_usage_error_before_anything_connects(string[] options, string message)
    {
        // The broker is never reached: every one of these is found first.
        var run = await CliRun.RunAsync(["call", "cli.add", .. options, "-b", "redis://127.0.0.1:1/0"]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: " + message);
    }
}
