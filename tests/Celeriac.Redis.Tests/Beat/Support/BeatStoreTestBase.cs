using Celeriac.Protocol.Messages;
using Celeriac.Redis.Beat;
using Celeriac.Redis.Client;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Redis.Transport;

namespace Celeriac.Redis.Tests.Beat.Support;

/// <summary>
/// A transport with its own key prefix on the class's redis-server, a schedule name of its own per
/// test, and a raw client to look at the keys; stores opened through it are disposed after the test.
/// </summary>
public abstract class BeatStoreTestBase(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    protected string Prefix { get; } = TestTransports.NewPrefix();

    protected string Schedule { get; } = "s" + Guid.NewGuid().ToString("N")[..8];

    internal RedisTransport Transport { get; private set; } = null!;

    internal RedisClient Raw { get; private set; } = null!;

    protected RedisServerFixture Redis => redis;

    /// <summary>The full key of one of this schedule's beat keys.</summary>
    protected string Key(string part) => Prefix + "celeriac.beat." + Schedule + "." + part;

    /// <summary>A store on this test's transport.</summary>
    internal RedisBeatStore Store() => (RedisBeatStore)Transport.OpenBeatStore(Schedule);

    /// <summary>A store on a transport of its own (another process, as far as Redis can tell).</summary>
    internal RedisBeatStore SeparateStore()
    {
        var transport = TestTransports.Create(redis.Server, Prefix);
        _owned.Add(transport);
        return (RedisBeatStore)transport.OpenBeatStore(Schedule);
    }

    /// <summary>The messages on a list, oldest (next to be consumed) first.</summary>
    internal async Task<List<BrokerMessage>> QueuedAsync(string listKey)
    {
        var values = await Raw.ListAsync(listKey);
        values.Reverse();
        return values.Select(v => KombuEnvelope.Decode(System.Text.Encoding.UTF8.GetBytes(v)).Message).ToList();
    }

    public Task InitializeAsync()
    {
        Transport = TestTransports.Create(redis.Server, Prefix);
        Raw = TestTransports.Client(redis.Server);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned) await owned.DisposeAsync();
        await Transport.DisposeAsync();
        await Raw.DisposeAsync();
    }
}
