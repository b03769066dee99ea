using Celeriac.Redis;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;

namespace InteropWorker;

/// <summary>
/// Where <c>interop.record</c> appends its tokens: the Redis list of <c>INTEROP_REDIS_URL</c>, else
/// of the result backend's Redis (the contract). Tests count executions by reading that list.
/// </summary>
internal sealed class RecordTarget : IAsyncDisposable
{
    private readonly RedisClient? _client;
    private readonly string? _why;

    private RecordTarget(RedisClient? client, string? why)
    {
        _client = client;
        _why = why;
    }

    public static RecordTarget From(WorkerSettings settings)
    {
        var url = settings.RecordRedisUrl ?? settings.Backend;
        if (url is null || !url.StartsWith("redis", StringComparison.OrdinalIgnoreCase))
            return new RecordTarget(null, "interop.record needs Redis: set INTEROP_REDIS_URL or a redis:// result backend");
        return new RecordTarget(new RedisClient(RedisConnectionOptions.Parse(url)), null);
    }

    /// <summary>RPUSH <paramref name="token"/> onto <paramref name="key"/>.</summary>
    public async Task AppendAsync(string key, string token, CancellationToken cancellationToken)
    {
        if (_client is null) throw new InvalidOperationException(_why);
        await _client.ExecuteAsync(new RedisCommand("RPUSH", key, token), cancellationToken);
    }

    public ValueTask DisposeAsync() => _client?.DisposeAsync() ?? ValueTask.CompletedTask;
}
