using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;
using Celeriac.RabbitMQ.Connection;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.RabbitMQ.Backend;

/// <summary>
/// <c>rpc://</c>: results as messages to the sender's reply queue (docs/protocol.md §3.5), wire-compatible
/// with Celery 5.2.6's <c>RPCBackend</c>. It has no host: it uses the app's broker URL, on its own
/// AMQP connection (the transport's is busy with deliveries and owned by the transport). A
/// client sees only the results of the tasks it sent (a task's <c>reply_to</c> is its oid);
/// there is no stored state for other clients, no group save, and no chords, as in Celery.
/// </summary>
internal sealed class RpcResultBackend : IResultBackend
{
    /// <summary>Celery's <c>E_NO_CHORD_SUPPORT</c>, the message of its <c>ensure_chords_allowed</c>.</summary>
    internal const string NoChordSupport =
        "The \"rpc\" result backend does not support chords! Note that a group chained with a task is also upgraded to be a chord, " +
        "as this pattern requires synchronization. Result backends that supports chords: Redis, Database, Memcached, and more.";

    private readonly AmqpConnection _connection;
    private readonly RpcResultSender _sender;
    private readonly RpcReplyQueue _replies;

    /// <summary>A backend on <paramref name="brokerUrl"/> whose reply queue is <paramref name="oid"/>.</summary>
    public RpcResultBackend(string brokerUrl, string oid, TimeSpan? expires, bool persistent, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger("Celeriac.RabbitMQ.Backend");
        _connection = new AmqpConnection(AmqpSettings.Parse(brokerUrl), "celeriac-rpc " + oid, log);
        _sender = new RpcResultSender(_connection, persistent, log);
        _replies = new RpcReplyQueue(_connection, oid, expires, log);
    }

    /// <summary>The <c>rpc://</c> factory: the broker URL and oid from the app.</summary>
    /// <exception cref="InvalidOperationException">The broker is not AMQP.</exception>
    public static RpcResultBackend Create(ProviderContext context)
    {
        var broker = context.Options.BrokerUrl;
        var scheme = broker.Split("://", 2)[0];
        if (scheme is not ("amqp" or "amqps" or "pyamqp"))
            throw new InvalidOperationException($"The rpc:// result backend sends results through an AMQP broker; the broker URL is {scheme}://. Use amqp:// as broker_url, or another result backend (e.g. redis://).");
        var persistent = context.Url.Query.Contains("persistent=true", StringComparison.OrdinalIgnoreCase);
        return new RpcResultBackend(broker, context.Oid ?? Guid.NewGuid().ToString(), context.Options.ResultExpires, persistent, context.LoggerFactory);
    }

    /// <summary>The reply queue this client reads (the app's oid).</summary>
    public string ReplyQueue => _replies.Name;

    /// <inheritdoc />
    public ValueTask StoreAsync(IReadOnlyList<ResultMeta> results, CancellationToken cancellationToken = default) =>
        _sender.SendAsync(results, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default)
    {
        await _replies.SyncAsync(cancellationToken).ConfigureAwait(false);
        return _replies.Latest(taskId) ?? ResultMeta.Pending(taskId);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ResultMeta>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        if (taskIds.Count == 0) return [];
        await _replies.SyncAsync(cancellationToken).ConfigureAwait(false);
        return taskIds.Select(id => _replies.Latest(id) ?? ResultMeta.Pending(id)).ToArray();
    }

    /// <inheritdoc />
    public ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken) =>
        _replies.WaitForReadyAsync(taskId, cancellationToken);

    /// <summary>Forgets the task's result on this client (after taking in what has arrived, so it does not come back).</summary>
    public async ValueTask ForgetAsync(string taskId, CancellationToken cancellationToken = default)
    {
        await _replies.SyncAsync(cancellationToken).ConfigureAwait(false);
        _replies.Forget(taskId);
    }

    /// <summary>Celery's rpc backend raises <c>NotImplementedError</c>: a group cannot be saved.</summary>
    public ValueTask SaveGroupAsync(string groupId, JsonArray resultTuple, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("save_group is not supported by the rpc:// result backend (as in Celery): use a backend that stores results, e.g. redis://.");

    /// <summary>Celery's rpc backend raises <c>NotImplementedError</c>: a group cannot be restored.</summary>
    public ValueTask<JsonArray?> RestoreGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("restore_group is not supported by the rpc:// result backend (as in Celery): use a backend that stores results, e.g. redis://.");

    /// <inheritdoc />
    public ValueTask BeforeSendAsync(CancellationToken cancellationToken) => _replies.EnsureAsync(cancellationToken);

    /// <inheritdoc />
    public void EnsureChordsAllowed() => throw new NotSupportedException(NoChordSupport);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _replies.DisposeAsync().ConfigureAwait(false);
        await _sender.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
