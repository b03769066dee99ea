using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Worker;

namespace Celeriac.Dashboard.Tests.Web;

/// <summary>
/// One class's cluster: a private redis-server (broker on db 0, result backend with <c>result_extended</c> on db 1),
/// a Celeriac worker sending task events, and the dashboard on Kestrel over a SQLite file, ingesting the events. Tasks: <c>dash.add</c>, <c>dash.fail</c> (throws its message), <c>dash.echo</c> (returns its
/// args and kwargs), <c>dash.block</c> (runs until cancelled or <see cref="ReleaseBlocked"/>), <c>dash.sum</c>.
/// </summary>
public sealed class DashboardCluster : IAsyncLifetime
{
    private RedisServer? _redis;
    private CeleriacWorker? _worker;
    private TaskCompletionSource _release = NewRelease();
    private readonly string _directory = Directory.CreateTempSubdirectory("celeriac-dash-").FullName;

    public CeleriacApp App { get; private set; } = null!;

    internal DashboardHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (ExternalTool.SkipReason("redis-server", "apt-get install redis-server") is not null) return; // the tests skip
        _redis = await RedisServer.StartAsync();
        App = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = _redis.Url();
            o.ResultBackend = _redis.Url(1);
            o.ResultExtended = true;
            o.UseRedis();
        });
        App.Task("dash.add", (int x, int y) => x + y);
        App.Task("dash.sum", (int[] values) => values.Sum());
        App.Task("dash.fail", new Func<string, int>(message => throw new InvalidOperationException(message)));
        App.Task("dash.echo", (Celeriac.Tasks.TaskArguments _, TaskContext context) => new JsonObject { ["args"] = context.Args.DeepClone(), ["kwargs"] = context.Kwargs.DeepClone() });
        App.Task("dash.block", async (CancellationToken cancellationToken) => await _release.Task.WaitAsync(cancellationToken));
        _worker = App.CreateWorker(w =>
        {
            w.Hostname = "dash-worker@test";
            w.Concurrency = 4;
            w.SendTaskEvents = true;
        });
        Host = await DashboardHost.StartAsync(App, SqlitePath("main"), ingest: true);
        await _worker.StartAsync();
        Client = Host.Client(cookies: false);
    }

    internal string SqlitePath(string name) => Path.Combine(_directory, name + ".db");

    /// <summary>Lets every running <c>dash.block</c> finish.</summary>
    public void ReleaseBlocked() => Interlocked.Exchange(ref _release, NewRelease()).TrySetResult();

    /// <summary>Waits until the store shows the task in <paramref name="state"/> (the events are written as they come).</summary>
    public async Task<JsonObject> WaitForStateAsync(string id, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var response = await Client.GetAsync($"api/tasks/{id}");
            if (response.IsSuccessStatusCode)
            {
                var detail = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                if (detail["task"]!["state"]!.GetValue<string>() == state && (await Host.Store.GetTaskAsync(id)) is not null) return detail;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"task {id} did not reach {state} in the store within 30 s");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        ReleaseBlocked();
        Client?.Dispose();
        if (_worker is not null) await _worker.DisposeAsync();
        if (Host is not null) await Host.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private static TaskCompletionSource NewRelease() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
