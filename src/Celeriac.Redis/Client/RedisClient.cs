using System.Collections.Concurrent;
using Celeriac.Redis.Resp;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Client;

/// <summary>
/// The Redis client the transport and the result backend use — the one class to replace if the
/// client is ever swapped. It owns one shared, pipelined connection for ordinary commands and
/// hands out dedicated connections for what would block the shared one: blocking pops, and
/// pub/sub.
/// <code>
/// await using var redis = new RedisClient(RedisConnectionOptions.Parse("redis://localhost/0"));
/// await redis.ExecuteAsync(new RedisCommand("SET", "greeting", "hello"));
/// await using var blocking = await redis.OpenDedicatedConnectionAsync();
/// var popped = await blocking.ExecuteAsync(new RedisCommand("BRPOP", "celery", 1).WithBlockingTimeout(TimeSpan.FromSeconds(1)));
/// </code>
/// </summary>
internal sealed class RedisClient : IAsyncDisposable
{
    private readonly ILogger? _logger;
    private readonly RedisConnection _shared;
    private readonly ConcurrentDictionary<IAsyncDisposable, byte> _owned = new();
    private int _disposed;

    public RedisClient(RedisConnectionOptions options, ILogger? logger = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger;
        _shared = new RedisConnection(options, logger, "commands");
    }

    public RedisConnectionOptions Options { get; }

    /// <summary>The shared connection, for helpers such as <see cref="RedisScript"/>.</summary>
    public RedisConnection Connection => _shared;

    /// <summary>Connects the shared connection now, so a wrong URL or password fails at start-up.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => _shared.ConnectAsync(cancellationToken);

    /// <inheritdoc cref="RedisConnection.ExecuteAsync"/>
    /// <exception cref="InvalidOperationException">The command is marked blocking; it belongs on a dedicated connection.</exception>
    public ValueTask<RespValue> ExecuteAsync(RedisCommand command, CancellationToken cancellationToken = default) =>
        command.BlockingTimeout is null
            ? _shared.ExecuteAsync(command, cancellationToken)
            : throw new InvalidOperationException(
                $"{command.Name} blocks its connection until it returns, which would stall every other caller of the shared one; " +
                "send it on a connection from OpenDedicatedConnectionAsync.");

    /// <inheritdoc cref="RedisConnection.ExecuteBatchAsync"/>
    public Task<RespValue[]> ExecuteBatchAsync(IReadOnlyList<RedisCommand> commands, CancellationToken cancellationToken = default) =>
        _shared.ExecuteBatchAsync(commands, cancellationToken);

    /// <summary>Runs a Lua script on the shared connection (EVALSHA, falling back to EVAL).</summary>
    public ValueTask<RespValue> EvaluateAsync(RedisScript script, IReadOnlyList<RedisArgument> keys, IReadOnlyList<RedisArgument> arguments,
        CancellationToken cancellationToken = default) =>
        script.EvaluateAsync(_shared, keys, arguments, cancellationToken);

    /// <summary>
    /// A connection of its own, for blocking commands (BRPOP, BLMOVE, BZPOPMIN) that would hold up
    /// every other caller on the shared one. Give such commands
    /// <see cref="RedisCommand.WithBlockingTimeout"/>. Dispose it when done; the client disposes
    /// any left open.
    /// </summary>
    public async Task<RedisConnection> OpenDedicatedConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new RedisConnection(Options, _logger, "blocking");
        await OwnAsync(connection, connection.ConnectAsync(cancellationToken)).ConfigureAwait(false);
        connection.Disposed += c => _owned.TryRemove(c, out _);
        return connection;
    }

    /// <summary>A pub/sub connection of its own; see <see cref="RedisSubscriber"/>.</summary>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <param name="synchronousReader">See <see cref="RedisSubscriber(RedisConnectionOptions, ILogger?, bool)"/>.</param>
    public async Task<RedisSubscriber> OpenSubscriberAsync(CancellationToken cancellationToken = default, bool synchronousReader = false)
    {
        var subscriber = new RedisSubscriber(Options, _logger, synchronousReader);
        await OwnAsync(subscriber, subscriber.ConnectAsync(cancellationToken)).ConfigureAwait(false);
        return subscriber;
    }

    /// <summary>Closes the shared connection and every dedicated one still open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _shared.DisposeAsync().ConfigureAwait(false);
        foreach (var owned in _owned.Keys) await owned.DisposeAsync().ConfigureAwait(false);
        _owned.Clear();
    }

    private async Task OwnAsync(IAsyncDisposable resource, Task connecting)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _owned.TryAdd(resource, 0);
        try
        {
            await connecting.ConfigureAwait(false);
        }
        catch
        {
            _owned.TryRemove(resource, out _);
            await resource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
