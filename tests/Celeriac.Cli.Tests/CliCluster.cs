using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Worker;

namespace Celeriac.Cli.Tests;

/// <summary>
/// A private redis-server with one Celeriac worker on it (node <see cref="Node"/>) that knows <c>cli.add</c> and
/// <c>cli.block</c> — a task that runs until the test releases it, so <c>inspect active</c> has something to show.
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

    public async Task InitializeAsync()
    {
        if (ExternalTool.SkipReason("redis-server", "apt-get install redis-server") is not null) return; // the tests skip
        _redis = await RedisServer.StartAsync();
        App = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = _redis.Url();
            o.ResultBackend = _redis.Url(1);
            o.UseRedis();
        });
        App.Task("cli.add", (int x, int y) => x + y);
        App.Task("cli.block", async (CancellationToken cancellationToken) => await _release.Task.WaitAsync(cancellationToken));
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
