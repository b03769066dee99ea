using Celeriac.CommandLine.Commands.Worker;
using Celeriac.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Celeriac.Cli.Tests;

/// <summary>
/// The command line run with an app (<c>app.RunCommandLineAsync</c>'s path, in-process) and with a Generic Host
/// (<c>host.RunCeleriacCommandLineAsync</c>): the management commands through the app's own broker, the
/// <c>worker</c> command's checks, and the standalone tool's <c>worker</c>, which has no tasks to run.
/// </summary>
public sealed class EmbeddedCommandLineTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    [RedisFact]
    public async Task Status_and_inspect_go_through_the_apps_own_broker_without_b()
    {
        var status = await RunWithAppAsync(cluster.App, "status");
        var registered = await RunWithAppAsync(cluster.App, "inspect", "registered", "-d", CliCluster.Node);

        status.ExitCode.Should().Be(0, status.ToString());
        status.Output.Should().Contain($"->  {CliCluster.Node}: OK");
        registered.ExitCode.Should().Be(0, registered.ToString());
        registered.Output.Should().Contain("cli.add").And.Contain("cli.block");
    }

    [RedisFact]
    public async Task B_after_the_app_has_connected_is_a_usage_error()
    {
        await RunWithAppAsync(cluster.App, "status"); // connects the app
        var run = await RunWithAppAsync(cluster.App, "status", "-b", "redis://127.0.0.1:1/0");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("come too late");
    }

    [RedisFact]
    public async Task B_before_the_app_connects_overrides_its_broker_as_celerys_b_does()
    {
        await using var app = CeleriacApp.Create(); // memory://, no transport registered yet
        var memory = await RunWithAppAsync(app, "status");
        var run = await RunWithAppAsync(app, "status", "-b", cluster.BrokerUrl);

        memory.ExitCode.Should().Be(2, memory.ToString());
        memory.Error.Should().Contain("lives in this process");
        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain($"->  {CliCluster.Node}: OK");
        app.Options.BrokerUrl.Should().Be(cluster.BrokerUrl);
    }

    [Theory]
    [InlineData("-c 0", "celeriac: --concurrency must be at least 1, not 0")]
    [InlineData("--prefetch-multiplier -1", "celeriac: --prefetch-multiplier must be 0 (no limit) or more, not -1")]
    [InlineData("--autoscale 1,2,3", "celeriac: --autoscale '1,2,3': expected MAX,MIN (two whole numbers) or MAX")]
    [InlineData("--autoscale 0", "celeriac: --autoscale '0': MAX must be at least 1")]
    [InlineData("-l LOUD", "celeriac: --loglevel 'LOUD' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL")]
    [InlineData("--time-limit 0", "celeriac: --time-limit must be a positive number of seconds, not 0")]
    [InlineData("-X celery", "celeriac: -X/--exclude-queues leaves no queue to consume")]
    [InlineData("-s schedule.json", "celeriac: -s/--schedule and --beat-state need -B/--beat")]
    [InlineData("-c many", "celeriac: Cannot parse argument 'many' for option '--concurrency' as expected type 'System.Int32'. (see celeriac --help)")]
    public async Task Bad_worker_flags_exit_2_with_one_line(string flags, string error)
    {
        await using var app = CeleriacApp.Create();
        var run = await RunWithAppAsync(app, ["worker", .. flags.Split(' ')]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().Equal(error);
        run.Output.Should().BeEmpty("nothing starts");
    }

    [Fact]
    public async Task The_standalone_tool_says_the_worker_needs_the_apps_command_line()
    {
        var run = await CliRun.RunAsync("worker", "-c", "4");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: worker runs your app's tasks")
            .And.Contain("return await app.RunCommandLineAsync(args);");
    }

    [Fact]
    public void Node_names_expand_as_celerys_host_format()
    {
        NodeName.Expand("w1@%h", "box.example.com").Should().Be("w1@box.example.com");
        NodeName.Expand("%n-worker@%d", "box.example.com").Should().Be("box-worker@example.com");
        NodeName.Expand("w2", "box").Should().Be("celery@w2");
        NodeName.Expand("w3@", "box").Should().Be("w3@box");
        NodeName.Expand("w4@%h-%i%%", "box").Should().Be("w4@box-0%");
    }

    [Fact]
    public async Task The_banner_masks_the_passwords_in_the_broker_and_backend_urls()
    {
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = "amqp://guest:secret@rabbit:5672//";
            o.ResultBackend = "redis://:hunter2@cache:6379/1";
        });
        app.Task("t.one", () => 1);
        await using var worker = app.CreateWorker(w => w.Hostname = "w@h");

        var banner = WorkerBanner.Render(app, worker.Options, builtins: false, new DateTime(2026, 1, 2, 3, 4, 5));

        banner.Should().NotContain("secret").And.NotContain("hunter2").And.Contain(" -------------- w@h v")
            .And.Contain(".> transport:   amqp://guest:").And.Contain("@rabbit:5672//").And.Contain("2026-01-02 03:04:05")
            .And.Contain("\n[tasks]\n  . t.one\n").And.NotContain("celery.chord_unlock");
    }

    [RedisFact]
    public async Task A_host_runs_the_commands_with_its_app_and_its_worker_until_cancelled()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCeleriac(o =>
        {
            o.BrokerUrl = cluster.BrokerUrl;
            o.UseRedis();
        }).AddTask("host.add", (int x, int y) => x + y);
        using var host = builder.Build();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var status = await host.RunCeleriacCommandLineAsync(["status", "-d", CliCluster.Node], stop.Token);
        var worker = host.RunCeleriacCommandLineAsync(["worker", "-n", "host@test", "-Q", "host.q"], stop.Token);
        var ping = await PingUntilAnswerAsync(cluster.BrokerUrl, "host@test", worker);
        var registered = await CliRun.RunAsync("inspect", "registered", "-b", cluster.BrokerUrl, "-d", "host@test");
        await stop.CancelAsync(); // a first Ctrl+C: warm shutdown

        status.Should().Be(0, "the cluster's worker answered the host's app");
        ping.ExitCode.Should().Be(0, ping.ToString());
        registered.Output.Should().Contain("host.add");
        (await worker.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, "a clean stop");
    }

    // The host's worker starts in the background; ping it (each ping waits up to 1 s) until it answers.
    private static async Task<CliRun> PingUntilAnswerAsync(string broker, string node, Task<int> worker)
    {
        while (true)
        {
            var ping = await CliRun.RunAsync("inspect", "ping", "-d", node, "-b", broker);
            if (ping.ExitCode != 3 || worker.IsCompleted) return ping;
        }
    }

    private static async Task<CliRun> RunWithAppAsync(CeleriacApp app, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, CancellationToken.None, app);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
