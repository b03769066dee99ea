using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Worker;

namespace Celeriac.Cli.Tests;

/// <summary>
/// A private redis-server with one Celeriac worker on it (node <see cref="Node"/>) that knows <c>cli.add</c> and
/// <c>cli.block</c> — a task that runs until the test releases it, so <c>inspect active</c> has something to show —,
/// <c>cli.fail</c> (throws its message) and <c>cli.request</c> (returns what its message said: eta, expires, queue,
/// args, kwargs), which <c>call</c>'s tests read back through the result backend. The worker consumes only the
/// default queue, <c>celery</c>: other queues keep what is sent to them, for <c>purge</c>.
/// </summary>
public sealed class CliCluster : IAsyncLifetime
{
    public const string Node = "cli-worker@test";

    private RedisServer? _redis;
    private CeleriacWorker? _worker;
    private TaskCompletionSource _release = NewRelease();

    public CeleriacApp App { get; private set; } = null!;

    public CeleriacWorker Worker => _worker!;

    public string BrokerUrl => _redis!.Url();

    /// <summary>The worker's result backend: database 1 of the same server.</summary>
    public string BackendUrl => _redis!.Url(1);

    public async Task InitializeAsync()
    {
        if (ExternalTool.SkipReason("redis-server", "apt-get install redis-server") is not null) return; // the tests skip
        _redis = await RedisServer.StartAsync();
        App = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = _redis.Url();
            o.ResultBackend = BackendUrl;
            o.UseRedis();
        });
        App.Task("cli.add", (int x, int y) => x + y);
        App.Task("cli.block", async (CancellationToken cancellationToken) => await _release.Task.WaitAsync(cancellationToken));
        App.Task("cli.fail", new Func<string, int>(message => throw new InvalidOperationException(message)));
        App.Task("cli.request", (Celeriac.Tasks.TaskArguments _, TaskContext context) => new JsonObject
        {
            ["eta"] = context.Eta?.ToString("O"),
            ["expires"] = context.Expires?.ToString("O"),
            ["queue"] = context.Queue,
            ["args"] = context.Args.DeepClone(),
            ["kwargs"] = context.Kwargs.DeepClone(),
        });
        _worker = App.CreateWorker(w =>
        {
            w.Hostname = Node;
            w.Concurrency = 2;
            w.SendTaskEvents = true; // -E: `events` shows the tasks
        });
        await _worker.StartAsync();
    }

    /// <summary>Lets every running <c>cli.block</c> finish; later ones block again.</summary>
    public void ReleaseBlocked() => Interlocked.Exchange(ref _release, NewRelease()).TrySetResult();

    public async Task DisposeAsync()
    {
        ReleaseBlocked();
        if (_worker is not null) await _worker.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }

    private static TaskCompletionSource NewRelease() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
