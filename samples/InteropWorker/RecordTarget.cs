using StackExchange.Redis;

namespace InteropWorker;

/// <summary>
/// Where <c>interop.record</c> appends its tokens: the Redis list of <c>INTEROP_REDIS_URL</c>, else
/// of the result backend's Redis (the contract). Tests count executions by reading that list.
/// A task's own Redis is the app's business, not Celeriac's: like any app, this one uses a Redis
/// client library (StackExchange.Redis) for it.
/// </summary>
internal sealed class RecordTarget : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>>? _connection;
    private readonly int _database;
    private readonly string? _why;

    private RecordTarget(ConfigurationOptions? options, int database, string? why)
    {
        // Connected on first use: a worker whose tasks never record needs no Redis of its own.
        if (options is not null) _connection = new(() => ConnectionMultiplexer.ConnectAsync(options));
        _database = database;
        _why = why;
    }

    public static RecordTarget From(WorkerSettings settings)
    {
        var url = settings.RecordRedisUrl ?? settings.Backend;
        if (url is null || !url.StartsWith("redis", StringComparison.OrdinalIgnoreCase))
            return new RecordTarget(null, 0, "interop.record needs Redis: set INTEROP_REDIS_URL or a redis:// result backend");
        var (options, database) = Parse(new Uri(url));
        return new RecordTarget(options, database, null);
    }

    /// <summary>RPUSH <paramref name="token"/> onto <paramref name="key"/>.</summary>
    public async Task AppendAsync(string key, string token, CancellationToken cancellationToken)
    {
        if (_connection is null) throw new InvalidOperationException(_why);
        cancellationToken.ThrowIfCancellationRequested();
        var redis = await _connection.Value.WaitAsync(cancellationToken);
        await redis.GetDatabase(_database).ListRightPushAsync(key, token).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { IsValueCreated: true })
        {
            try { await (await _connection.Value).DisposeAsync(); }
            catch (RedisConnectionException) { } // never connected: nothing to close
        }
    }

    /// <summary>A Celery Redis URL (<c>redis://[user:password@]host[:port][/db]</c>, <c>rediss://</c> for TLS) as client options.</summary>
    private static (ConfigurationOptions Options, int Database) Parse(Uri url)
    {
        var options = new ConfigurationOptions { Ssl = url.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase), AbortOnConnectFail = false };
        options.EndPoints.Add(string.IsNullOrEmpty(url.Host) ? "localhost" : url.Host, url.IsDefaultPort ? 6379 : url.Port);
        if (url.UserInfo.Length > 0)
        {
            var parts = url.UserInfo.Split(':', 2);
            if (parts.Length == 2)
            {
                if (parts[0].Length > 0) options.User = Uri.UnescapeDataString(parts[0]);
                options.Password = Uri.UnescapeDataString(parts[1]);
            }
            else options.Password = Uri.UnescapeDataString(parts[0]);
        }
        var path = url.AbsolutePath.Trim('/');
        var database = path.Length > 0 ? int.Parse(path, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (options, database);
    }
}
