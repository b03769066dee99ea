using System.Collections.Concurrent;
using System.Diagnostics;
using Celeriac.Beat;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;

namespace Celeriac.Redis.Tests.Beat.Support;

/// <summary>
/// Beat replicas in one test process: one <see cref="CeleriacApp"/> and one <see cref="CeleriacBeat"/>
/// each, on the same real Redis and key prefix, each connecting as its own ACL user so a test can cut
/// one off the broker (<see cref="CrashAsync"/>) as a crash or a partition would: it stops renewing,
/// its connections die and it cannot reconnect, but nothing releases its lease. Records every
/// signal with the time since the cluster started.
/// </summary>
internal sealed class BeatCluster : IAsyncDisposable
{
    private const string Password = "beat-pw";
    private readonly RedisServer _server;
    private readonly string _prefix;
    private readonly Action<CeleriacApp> _define;
    private readonly List<CeleriacApp> _apps = [];
    private readonly string _users = "b" + Guid.NewGuid().ToString("N")[..6];

    private BeatCluster(RedisServer server, string prefix, Action<CeleriacApp> define)
    {
        _server = server;
        _prefix = prefix;
        _define = define;
    }

    /// <summary>Time since the cluster was created.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>The replicas, in start order.</summary>
    public List<CeleriacBeat> Beats { get; } = [];

    /// <summary>Every signal of every replica: which one, what, and when (cluster time).</summary>
    public ConcurrentQueue<(int Replica, BeatSignal Signal, TimeSpan At)> Signals { get; } = new();

    /// <summary>Published runs, in the order they were signalled.</summary>
    public IReadOnlyList<(int Replica, BeatSignal Signal, TimeSpan At)> Published =>
        Signals.Where(s => s.Signal.Kind == BeatSignalKind.Published).ToList();

    /// <summary>Starts <paramref name="count"/> replicas, each app defining its entries with <paramref name="define"/>.</summary>
    public static async Task<BeatCluster> StartAsync(RedisServer server, string prefix, int count, Action<CeleriacApp> define)
    {
        var cluster = new BeatCluster(server, prefix, define);
        for (var i = 0; i < count; i++) await cluster.AddReplicaAsync();
        return cluster;
    }

    /// <summary>Starts one more replica.</summary>
    public async Task<int> AddReplicaAsync()
    {
        var index = Beats.Count;
        var user = $"{_users}-{index}";
        await CreateUserAsync(user);
        var app = App(user);
        _define(app);
        var beat = app.CreateBeat(b =>
        {
            b.Holder = $"replica-{index}";
            b.StateFile = null;
        });
        beat.Signals.Raised += s => Signals.Enqueue((index, s, Clock.Elapsed));
        _apps.Add(app);
        Beats.Add(beat);
        await beat.StartAsync();
        return index;
    }

    /// <summary>An app on the cluster's broker that runs no beat (edits, listing), connecting as the default user.</summary>
    public CeleriacApp Client()
    {
        var app = App(null);
        _apps.Add(app);
        return app;
    }

    /// <summary>The replica publishing now, waiting for one to hold the lease.</summary>
    public async Task<int> PublisherAsync(TimeSpan within)
    {
        var deadline = Clock.Elapsed + within;
        while (Clock.Elapsed < deadline)
        {
            var holders = Enumerable.Range(0, Beats.Count).Where(i => Beats[i].IsPublisher).ToList();
            if (holders.Count == 1) return holders[0];
            await Task.Delay(20);
        }
        throw new TimeoutException($"No single publisher within {within}.");
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the signals so far.</summary>
    public async Task<(int Replica, BeatSignal Signal, TimeSpan At)> WaitForAsync(Func<(int Replica, BeatSignal Signal, TimeSpan At), bool> condition, TimeSpan within)
    {
        var deadline = Clock.Elapsed + within;
        while (true)
        {
            foreach (var signal in Signals)
                if (condition(signal)) return signal;
            if (Clock.Elapsed > deadline) throw new TimeoutException($"No such beat signal within {within}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Cuts replica <paramref name="index"/> off the broker: its user is disabled and its connections killed.</summary>
    public async Task CrashAsync(int index)
    {
        await using var admin = TestTransports.Client(_server);
        await admin.RunAsync("ACL", "SETUSER", $"{_users}-{index}", "off");
        await admin.RunAsync("CLIENT", "KILL", "USER", $"{_users}-{index}");
    }

    /// <summary>Lets a crashed replica reach the broker again.</summary>
    public async Task ReviveAsync(int index)
    {
        await using var admin = TestTransports.Client(_server);
        await admin.RunAsync("ACL", "SETUSER", $"{_users}-{index}", "on");
    }

    /// <summary>Creates the replicas' users again (after a restart of a server that keeps nothing).</summary>
    public async Task RestoreUsersAsync()
    {
        for (var i = 0; i < Beats.Count; i++) await CreateUserAsync($"{_users}-{i}");
    }

    private async Task CreateUserAsync(string user)
    {
        await using var admin = TestTransports.Client(_server);
        await admin.RunAsync("ACL", "SETUSER", user, "on", ">" + Password, "~*", "&*", "+@all");
    }

    /// <summary>Stops every beat (releasing the lease where it can) and disposes the apps.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var beat in Beats) await beat.StopAsync();
        foreach (var app in _apps) await app.DisposeAsync();
    }

    private CeleriacApp App(string? user) => CeleriacApp.Create(o =>
    {
        o.BrokerUrl = _server.Url(0, user is null ? null : $"{user}:{Password}");
        o.BrokerTransportOptions["global_keyprefix"] = _prefix;
        o.UseRedis();
    });
}
