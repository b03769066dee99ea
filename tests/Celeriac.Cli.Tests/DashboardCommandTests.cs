using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Celeriac.Cli.Tests;

/// <summary>
/// <c>celeriac dashboard</c>: the built tool as its own process serving the page and the API against the cluster's
/// worker, read-only refusing actions, Basic authentication, the exit codes of bad flags and of Ctrl+C/SIGTERM, and
/// the same command in an app's own command line.
/// </summary>
public sealed partial class DashboardCommandTests(CliCluster cluster) : IClassFixture<CliCluster>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("celeriac-dashboard-cli-").FullName;

    [Redis.Tests.Infrastructure.RedisFact]
    public async Task The_tool_serves_the_page_and_the_workers_and_SIGTERM_stops_it_with_exit_0()
    {
        await using var tool = WorkerProcess.StartTool(cluster.BrokerUrl, "dashboard", "--port", "0", "--sqlite", Path.Combine(_directory, "a.db"));
        using var http = await ClientAsync(tool);

        var page = await http.GetAsync("");
        var workers = await EventuallyWorkersAsync(http);
        var metrics = await http.GetStringAsync("metrics");
        tool.Signal(WorkerProcess.SigTerm);
        var code = await tool.ExitCodeAsync();

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).Should().Contain("<base href=\"/\">");
        workers.Select(w => (string)w!["hostname"]!).Should().Contain(CliCluster.Node);
        metrics.Should().Contain("# TYPE flower_worker_online gauge");
        code.Should().Be(0, tool.ToString());
        tool.Output.Should().Contain("local requests only");
    }

    [Redis.Tests.Infrastructure.RedisFact]
    public async Task Read_only_refuses_an_action_and_Ctrl_C_stops_it_with_exit_0()
    {
        await using var tool = WorkerProcess.StartTool(cluster.BrokerUrl, "dashboard", "--port", "0", "--read-only", "--url-prefix", "/celeriac",
            "--sqlite", Path.Combine(_directory, "b.db"));
        using var http = await ClientAsync(tool);

        var grow = await http.PostAsync($"api/fleet/workers/{CliCluster.Node}/pool-grow", new StringContent("{\"n\":1}", Encoding.UTF8, "application/json"));
        var purge = await http.PostAsync("api/fleet/queues/celery/purge", new StringContent("{\"confirm\":\"celery\"}", Encoding.UTF8, "application/json"));
        var session = JsonNode.Parse(await http.GetStringAsync("api/session"))!;
        tool.Signal(WorkerProcess.SigInt);
        var code = await tool.ExitCodeAsync();

        http.BaseAddress!.AbsolutePath.Should().Be("/celeriac/");
        grow.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await grow.Content.ReadAsStringAsync()).Should().Contain("read-only");
        purge.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        ((bool)session["read_only"]!).Should().BeTrue();
        code.Should().Be(0, tool.ToString());
    }

    [Redis.Tests.Infrastructure.RedisFact]
    public async Task Basic_auth_lets_the_user_in_and_no_one_else()
    {
        await using var tool = WorkerProcess.StartTool(cluster.BrokerUrl, "dashboard", "--port", "0", "--basic-auth", "ops:s3cret",
            "--sqlite", Path.Combine(_directory, "c.db"));
        using var anonymous = await ClientAsync(tool);
        using var wrong = await ClientAsync(tool);
        using var user = await ClientAsync(tool);
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:nope")));
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:s3cret")));

        var refused = await anonymous.GetAsync("api/fleet/workers");
        var badPassword = await wrong.GetAsync("api/fleet/workers");
        var session = JsonNode.Parse(await user.GetStringAsync("api/session"))!;

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().Should().StartWith("Basic");
        badPassword.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        ((string)session["user"]!).Should().Be("ops");
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--host", "nowhere.example")]
    [InlineData("--allow-remote")]
    [InlineData("--insecure-no-auth")]
    [InlineData("--basic-auth", "no-colon")]
    [InlineData("--sqlite", "a.db", "--postgres", "Host=x")]
    [InlineData("--url-prefix", "celeriac")]
    [InlineData("--retention-days", "0")]
    [InlineData("--max-tasks", "-1")]
    [InlineData("--beat-schedule", "/no/such/file.json")]
    [InlineData("--port", "x")]
    public async Task Bad_flags_are_one_line_and_exit_2(params string[] flags)
    {
        var run = await CliRun.RunAsync(["dashboard", "-b", "redis://127.0.0.1:1/0", .. flags]);

        run.ExitCode.Should().Be(2, run.Error);
        run.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("celeriac: ");
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unreachable_broker_is_one_line_and_exit_1()
    {
        var run = await CliRun.RunAsync("dashboard", "-b", $"redis://127.0.0.1:{Redis.Tests.Infrastructure.FreePort.Pick()}/0", "--port", "0",
            "--sqlite", Path.Combine(_directory, "d.db"));

        run.ExitCode.Should().Be(1, run.Error);
        run.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("celeriac: ");
    }

    [Redis.Tests.Infrastructure.RedisFact]
    public async Task In_an_apps_own_command_line_it_serves_that_app_until_cancelled()
    {
        using var stop = new CancellationTokenSource();
        var output = new WatchedWriter();
        var run = CliApp.RunAsync(["dashboard", "--port", "0", "--sqlite", Path.Combine(_directory, "e.db")], output, TextWriter.Null, stop.Token, cluster.App);
        await output.WaitForAsync("Ctrl+C stops it", 1, TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri(UrlIn(output.ToString())) };

        var workers = await EventuallyWorkersAsync(http);
        await stop.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(30));

        workers.Select(w => (string)w!["hostname"]!).Should().Contain(CliCluster.Node);
        code.Should().Be(0);
        (await cluster.App.Control.PingAsync()).Should().ContainKey(CliCluster.Node, "the embedded app stays open for its owner");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<HttpClient> ClientAsync(WorkerProcess tool)
    {
        await tool.WaitForAsync("Ctrl+C stops it", 60);
        return new HttpClient { BaseAddress = new Uri(UrlIn(tool.Output)), Timeout = TimeSpan.FromSeconds(30) };
    }

    private static string UrlIn(string output) => DashboardUrl().Match(output) is { Success: true } m ? m.Value : throw new InvalidOperationException($"no URL in: {output}");

    /// <summary>The worker list once the live inspect has the cluster's worker (the first load may race its start).</summary>
    private static async Task<JsonArray> EventuallyWorkersAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var workers = JsonNode.Parse(await http.GetStringAsync("api/fleet/workers"))!.AsArray();
            if (workers.Any(w => (string)w!["hostname"]! == CliCluster.Node) || DateTime.UtcNow > deadline) return workers;
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"http://[^ ]+/")]
    private static partial Regex DashboardUrl();
}
