using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Dashboard.Store;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Worker;
using Microsoft.AspNetCore.Builder;
using Celeriac.Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Celeriac.Dashboard.Tests.Fleet;

/// <summary>
/// A private redis-server, one in-process Celeriac worker (<see cref="Node"/>, concurrency 2, consuming <c>celery</c>
/// only) that knows <c>fleet.add</c>, and the dashboard on a real Kestrel at 127.0.0.1:0 under <c>/celeriac</c>
/// with a SQLite store in a temporary file. The app declares <see cref="PriorityQueue"/> (nobody consumes it), so
/// what is sent there waits for the queue tests.
/// </summary>
public sealed class FleetCluster : IAsyncLifetime
{
    public const string Node = "fleet-worker@test";
    public const string PriorityQueue = "fleet-prio";

    private RedisServer? _redis;
    private CeleriacWorker? _worker;
    private WebApplication? _web;
    private string? _directory;

    public CeleriacApp App { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IDashboardStore Store { get; private set; } = null!;

    public string BrokerUrl => _redis!.Url();

    /// <summary>The ids of the <c>fleet.add</c> runs the worker finished, with their results.</summary>
    public ConcurrentDictionary<string, int> Ran { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        if (ExternalTool.SkipReason("redis-server", "apt-get install redis-server") is not null) return; // the tests skip
        _redis = await RedisServer.StartAsync();
        _directory = Directory.CreateTempSubdirectory("celeriac-fleet-").FullName;
        App = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = _redis.Url();
            o.UseRedis();
            o.TaskQueues.Add(new TaskQueue(PriorityQueue));
        });
        App.Task("fleet.add", (int x, int y, TaskContext context) => Ran[context.TaskId] = x + y);
        _worker = App.CreateWorker(w =>
        {
            w.Hostname = Node;
            w.Concurrency = 2;
            w.Queues = ["celery"];
        });
        await _worker.StartAsync();

        var builder = TestKestrel.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(App);
        builder.Services.AddCeleriacDashboard(o => o.SqlitePath = Path.Combine(_directory, "dashboard.db"));
        _web = builder.Build();
        _web.MapCeleriacDashboard("/celeriac");
        Store = _web.Services.GetRequiredService<IDashboardStore>();
        await Store.InitializeAsync();
        await _web.StartAsync();
        // Subscribed to events before any test sends a task: pub/sub keeps nothing published before.
        await Poll.UntilAsync(() => Task.FromResult(_web.Services.GetRequiredService<Celeriac.Dashboard.Ingestion.IngestionStats>().BrokerConnected), c => c, TimeSpan.FromSeconds(30));
        Http = new HttpClient { BaseAddress = new Uri(TestKestrel.Loopback(_web), "/celeriac/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task<JsonNode?> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"GET {path}: {text}");
        return JsonNode.Parse(text);
    }

    /// <summary>A POST (or PUT) with a JSON body (none when null); the status and the parsed answer.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(string path, object? body = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path);
        if (body is not null) request.Content = body is string raw ? new StringContent(raw, Encoding.UTF8, "application/json") : JsonContent.Create(body);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing with <paramref name="what"/> after 20 s.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Still not true after 20 s: {what}");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_web is not null)
        {
            await _web.StopAsync();
            await _web.DisposeAsync();
        }
        if (_worker is not null) await _worker.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }
}
