using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Redis.Backend;

/// <summary>
/// The <c>redis://</c> / <c>rediss://</c> result backend, wire-compatible with Celery 5.2's
/// <c>RedisBackend</c> (docs/protocol.md §4): results under <c>celery-task-meta-&lt;id&gt;</c> written with
/// SETEX and published on the channel of the same name, a guard that never overwrites SUCCESS,
/// waiters woken by pub/sub, saved groups under <c>celery-taskset-meta-&lt;gid&gt;</c>, and the
/// native chord join. Commands go over one pipelined connection; waiters share one subscriber
/// connection, opened when somebody first waits.
/// </summary>
internal sealed class RedisResultBackend : IResultBackend, IChordJoin
{
    /// <summary>Redis's largest string (512 MB); Celery refuses bigger values before sending them (docs/protocol.md §4.2).</summary>
    public const int MaxValueBytes = 536_870_912;

    /// <summary>Most keys in one <c>MGET</c> of <see cref="GetManyAsync"/>.</summary>
    public const int MaxKeysPerRead = 1000;

    private readonly RedisBackendSettings _settings;
    private readonly RedisClient _client;
    private readonly ResultWriter _writer;
    private readonly RedisChordJoin _chords;
    private readonly Lazy<ResultWaiters> _waiters;
    private int _disposed;

    /// <summary>Creates the backend; nothing connects until the first command.</summary>
    public RedisResultBackend(RedisBackendSettings settings, ILoggerFactory? loggerFactory = null, TimeSpan? watchInterval = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisResultBackend>();
        _client = new RedisClient(settings.Connection, logger);
        _writer = new ResultWriter(_client, settings.ExpiresSeconds, logger);
        _chords = new RedisChordJoin(_client, settings);
        _waiters = new Lazy<ResultWaiters>(() => new ResultWaiters(_client, settings.Layout, logger, watchInterval));
    }

    /// <summary>The factory <c>UseRedis()</c> registers for <c>redis</c> and <c>rediss</c>.</summary>
    public static IResultBackend Create(ProviderContext context) =>
        new RedisResultBackend(RedisBackendSettings.From(context), context.LoggerFactory);

    /// <summary>The settings in use.</summary>
    public RedisBackendSettings Settings => _settings;

    /// <summary>The waiters (created on first wait), for tests.</summary>
    internal ResultWaiters Waiters => _waiters.Value;

    /// <inheritdoc />
    /// <remarks>
    /// One round trip per batch (docs/protocol.md §4.2 per meta): see <see cref="ResultWriter"/>. The bytes
    /// stored and published are exactly <see cref="ResultMeta.ToUtf8Bytes"/>.
    /// </remarks>
    public ValueTask StoreAsync(IReadOnlyList<ResultMeta> results, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var entries = new (string Key, byte[] Value)[results.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var value = results[i].ToUtf8Bytes();
            // Sent anyway, Redis would drop the connection (and every caller's commands with it).
            if (value.Length > MaxValueBytes)
                throw new InvalidOperationException($"The result of task {results[i].TaskId} is {value.Length} bytes, more than Redis stores in one value (512 MB).");
            entries[i] = (_settings.Layout.TaskMetaKey(results[i].TaskId), value);
        }
        return _writer.WriteAsync(entries, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default)
    {
        var stored = await _client.ExecuteAsync(new RedisCommand("GET", _settings.Layout.TaskMetaKey(taskId)), cancellationToken).ConfigureAwait(false);
        return stored.IsNull ? ResultMeta.Pending(taskId) : ResultMeta.Parse(stored.Bytes.Span, taskId);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One round trip: an <c>MGET</c> per <see cref="MaxKeysPerRead"/> ids, all written at once, so
    /// a huge group neither waits on one reply per member nor asks Redis for one enormous reply.
    /// </remarks>
    public async ValueTask<IReadOnlyList<ResultMeta>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        var metas = new ResultMeta[taskIds.Count];
        if (metas.Length == 0) return metas;
        var reads = new RedisCommand[(metas.Length + MaxKeysPerRead - 1) / MaxKeysPerRead];
        for (var c = 0; c < reads.Length; c++)
        {
            var keys = new RedisArgument[Math.Min(MaxKeysPerRead, metas.Length - c * MaxKeysPerRead)];
            for (var i = 0; i < keys.Length; i++) keys[i] = _settings.Layout.TaskMetaKey(taskIds[c * MaxKeysPerRead + i]);
            reads[c] = new RedisCommand("MGET", keys);
        }
        var replies = await _client.ExecuteBatchAsync(reads, cancellationToken).ConfigureAwait(false);
        for (var c = 0; c < replies.Length; c++)
        {
            if (replies[c].IsError) throw new RedisServerException(replies[c].AsString() ?? "MGET failed");
            var values = replies[c].AsArray();
            for (var i = 0; i < values.Length; i++)
            {
                var index = c * MaxKeysPerRead + i;
                metas[index] = values[i].IsNull ? ResultMeta.Pending(taskIds[index]) : ResultMeta.Parse(values[i].Bytes.Span, taskIds[index]);
            }
        }
        return metas;
    }

    /// <inheritdoc />
    public ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _waiters.Value.WaitAsync(taskId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask ForgetAsync(string taskId, CancellationToken cancellationToken = default) =>
        await _client.ExecuteAsync(new RedisCommand("DEL", _settings.Layout.TaskMetaKey(taskId)), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>
    /// <c>{"result": &lt;tuple&gt;}</c> with the same SETEX + PUBLISH as a task meta (docs/protocol.md §4.7),
    /// without the SUCCESS guard, as Celery's <c>_save_group</c>.
    /// </remarks>
    public async ValueTask SaveGroupAsync(string groupId, JsonArray resultTuple, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resultTuple);
        var key = _settings.Layout.GroupMetaKey(groupId);
        var value = CeleryJson.ToUtf8Bytes(new JsonObject { ["result"] = resultTuple.DeepClone() });
        var set = _settings.ExpiresSeconds > 0
            ? new RedisCommand("SETEX", key, _settings.ExpiresSeconds, value)
            : new RedisCommand("SET", key, value);
        await RedisTransaction.ExecuteAsync(_client, [set, new RedisCommand("PUBLISH", key, value)], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<JsonArray?> RestoreGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var stored = await _client.ExecuteAsync(new RedisCommand("GET", _settings.Layout.GroupMetaKey(groupId)), cancellationToken).ConfigureAwait(false);
        if (stored.IsNull) return null;
        JsonNode? node;
        try
        {
            node = CeleryJson.Parse(stored.Bytes.Span);
        }
        catch (JsonException error)
        {
            throw new FormatException($"group meta of {groupId} is not JSON: {error.Message}", error);
        }
        return node is JsonObject { } meta && meta["result"] is JsonArray tuple
            ? (JsonArray)tuple.DeepClone()
            : throw new FormatException($"group meta of {groupId} is not {{\"result\": [...]}}");
    }

    /// <inheritdoc />
    public ValueTask SetChordSizeAsync(string groupId, int size, CancellationToken cancellationToken = default) =>
        _chords.SetSizeAsync(groupId, size, cancellationToken);

    /// <inheritdoc />
    public ValueTask AddChordExtraAsync(string groupId, int count, CancellationToken cancellationToken = default) =>
        _chords.AddExtraAsync(groupId, count, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ChordProgress> AddChordPartAsync(string groupId, int? groupIndex, ResultMeta part, CancellationToken cancellationToken = default) =>
        _chords.AddPartAsync(groupId, groupIndex, part, new ChordClaim(DateTimeOffset.UtcNow, ChordClaim.DefaultLease), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ChordProgress> AddChordPartAsync(string groupId, int? groupIndex, ResultMeta part, ChordClaim claim, CancellationToken cancellationToken = default) =>
        _chords.AddPartAsync(groupId, groupIndex, part, claim, cancellationToken);

    /// <inheritdoc />
    public ValueTask CloseChordAsync(string groupId, CancellationToken cancellationToken = default) =>
        _chords.CloseAsync(groupId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ChordPart>> GetChordPartsAsync(string groupId, CancellationToken cancellationToken = default) =>
        _chords.GetPartsAsync(groupId, cancellationToken);

    /// <inheritdoc />
    public ValueTask DeleteChordAsync(string groupId, CancellationToken cancellationToken = default) =>
        _chords.DeleteAsync(groupId, cancellationToken);

    /// <summary>Ends every wait (with <see cref="ObjectDisposedException"/>) and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_waiters.IsValueCreated) await _waiters.Value.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
