using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Samples.Tests.WebShopTests;

namespace Celeriac.Samples.Tests.DashboardDemoTests;

/// <summary>
/// samples/DashboardDemo as `dotnet run` starts it — its own process (in-memory broker, its worker, producer and
/// beat inside), on a free port: it serves the dashboard's page and bundle, and the producer's tasks, the worker and
/// the beat entries reach the pages' API. A process of its own because Celeriac's instruments and the in-memory
/// brokers are process-wide: in this test process it would disturb the WebShop telemetry tests.
/// </summary>
public sealed class DashboardDemoTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("celeriac-demo-");
    private readonly StringBuilder _log = new();
    private Process? _demo;

    [Fact]
    public async Task The_demo_serves_the_dashboard_and_its_tasks_worker_and_beat_entries_show_up()
    {
        var root = $"http://127.0.0.1:{FreePort.Pick()}/";
        _demo = Start(root);
        using var http = new HttpClient { BaseAddress = new Uri(root), Timeout = TimeSpan.FromSeconds(10) };

        string? page;
        try
        {
            page = await Poll.UntilAsync<string?>(() => TryGetAsync(http, "/"), p => p is not null, "the demo's page");
        }
        catch (TimeoutException e)
        {
            lock (_log) throw new TimeoutException(e.Message + "; the demo's output:\n" + _log, e);
        }
        page.Should().Contain("<base href=\"/\">").And.Contain("assets/app.js?v=");
        using (var script = await http.GetAsync("/assets/app.js"))
        {
            script.StatusCode.Should().Be(HttpStatusCode.OK);
            script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        }
        var session = JsonNode.Parse(await http.GetStringAsync("/api/session"))!;
        session["title"]!.GetValue<string>().Should().Be("Celeriac demo");
        session["read_only"]!.GetValue<bool>().Should().BeFalse();

        // The producer sends at once and the worker sends events: both reach the store within seconds.
        var tasks = await Poll.UntilAsync(async () => JsonNode.Parse(await http.GetStringAsync("/api/tasks/search?limit=50"))!["tasks"]!.AsArray(),
            found => found.Count >= 3, "the producer's tasks in the dashboard's store");
        tasks.Select(t => t!["name"]!.GetValue<string>()).Should().Contain("demo.add");
        var workers = await Poll.UntilAsync(async () => JsonNode.Parse(await http.GetStringAsync("/api/fleet/workers"))!.AsArray(),
            found => found.Any(w => w!["online"]!.GetValue<bool>()), "the demo's worker online");
        workers.Should().Contain(w => w!["sw_ident"]!.GetValue<string>() == "celeriac");
        JsonNode.Parse(await http.GetStringAsync("/api/beat"))!.AsArray().Select(b => b!["name"]!.GetValue<string>())
            .Should().BeEquivalentTo("cleanup-sessions", "hourly-report");
    }

    private Process Start(string root)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "DashboardDemo.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--urls", root.TrimEnd('/'), "--store", Path.Combine(_dir.FullName, "demo.db") }) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetStringAsync(path);
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    public void Dispose()
    {
        if (_demo is { HasExited: false })
        {
            _demo.Kill(entireProcessTree: true);
            _demo.WaitForExit(10_000);
        }
        _demo?.Dispose();
        try { _dir.Delete(recursive: true); } catch (IOException) { /* a file still closing: the temp folder is cleaned later */ }
    }
}
