using System.Text.Json.Nodes;
using Celeriac.Dashboard.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Web;

/// <summary>
/// Retry of a task a Python Celery worker ran: its events carry Python reprs (<c>('word',)</c>) and its backend no
/// args (no <c>result_extended</c>), so the dashboard rebuilds the call from the repr and the Python worker runs it again.
/// </summary>
public sealed class PythonRetryTests : IAsyncLifetime
{
    private RedisServer? _redis;
    private PythonCeleryWorker? _python;
    private CeleriacApp? _app;
    private DashboardHost? _host;
    private readonly string _directory = Directory.CreateTempSubdirectory("celeriac-dash-py-").FullName;

    public async Task InitializeAsync()
    {
        if (new IngestionFactAttribute().Skip is not null) return;
        _redis = await RedisServer.StartAsync();
        _app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = _redis.Url();
            o.ResultBackend = _redis.Url(1);
            o.UseRedis();
        });
        _python = await PythonCeleryWorker.StartAsync(_redis.Url(), _redis.Url(1), "celery");
        _host = await DashboardHost.StartAsync(_app, Path.Combine(_directory, "py.db"), ingest: true);
    }

    [IngestionFact]
    public async Task A_failed_python_task_is_retried_from_its_repr_and_runs_again_on_the_python_worker()
    {
        using var client = _host!.Client(cookies: false);
        // Started without -E: its events flow once the dashboard's enable_events reached it, which its heartbeat in the store shows.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await _host.Store.GetWorkersAsync()).Any(w => w.Hostname == _python!.Node))
        {
            Assert.True(DateTime.UtcNow < deadline, "the Python worker's events never reached the store: " + _python!.Output);
            await Task.Delay(100);
        }
        var failed = await _app!.SendTaskAsync("dash.fail", ["pelican"]);
        Assert.Equal("FAILURE", (await failed.WaitAsync(TimeSpan.FromSeconds(60))).Status);
        // The event's exception is Celery 5.2.6's ExceptionWithTraceback() placeholder; the backend's real one replaces it
        // off the write path (BackendEnricher), so the detail has it a moment after the failure is stored.
        var detail = await PollAsync(client, failed.Id, d => d["task"]!["state"]!.GetValue<string>() == "FAILURE" && d["task"]!["args"] is not null
            && d["task"]!["exception"]?.GetValue<string>().Contains("ValueError", StringComparison.Ordinal) == true);
        Assert.Equal("('pelican',)", detail["task"]!["args"]!.GetValue<string>()); // the Python worker's repr, kept by the store
        Assert.True(detail["retryable"]!.GetValue<bool>());
        Assert.Contains("ValueError", detail["task"]!["exception"]!.GetValue<string>(), StringComparison.Ordinal);
        var retried = await ApiAssert.JsonAsync(await client.PostAsync($"api/tasks/{failed.Id}/retry", null));
        var again = _app.Result(retried["task_id"]!.GetValue<string>());
        var meta = await again.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("FAILURE", meta.Status);
        Assert.Contains("pelican", meta.Result!.ToJsonString(), StringComparison.Ordinal);
        var rerun = await ApiAssert.JsonAsync(await client.PostJsonAsync($"api/tasks/{failed.Id}/rerun", new { args = new object[] { "osprey" } }));
        Assert.Contains("osprey", (await _app.Result(rerun["task_id"]!.GetValue<string>()).WaitAsync(TimeSpan.FromSeconds(60))).Result!.ToJsonString(), StringComparison.Ordinal);
    }

    private static async Task<JsonNode> PollAsync(HttpClient client, string id, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var response = await client.GetAsync($"api/tasks/{id}");
            if (response.IsSuccessStatusCode)
            {
                var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                if (done(detail)) return detail;
                if (DateTime.UtcNow > deadline) Assert.Fail("the store did not show the task as expected: " + detail.ToJsonString());
            }
            else if (DateTime.UtcNow > deadline) Assert.Fail($"api/tasks/{id} answered {(int)response.StatusCode}");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_python is not null) await _python.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
