using System.Collections.Concurrent;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Transport;

/// <summary>
/// The <c>redis://</c> / <c>rediss://</c> transport, with kombu's Redis layout exactly (docs/protocol.md §2), so
/// Python Celery and Celeriac share queues, acks, restores and fanout. Tasks are LPUSHed to lists
/// and popped from the other end; priorities use kombu's per-step lists; delivered messages are
/// recorded in <c>unacked</c> / <c>unacked_index</c> until settled, and restored by whichever
/// worker sweeps after the visibility timeout. Honours the <c>broker_transport_options</c> Celery
/// users set (see <see cref="RedisTransportOptions"/>).
/// </summary>
internal sealed partial class RedisTransport : ITransport, IBroadcast, IQueueDetails
{
    private readonly RedisClient _redis;
    private readonly ExchangeRouter _router;
    private readonly VisibilitySweeper? _sweeper;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<RedisConsumer, byte> _consumers = new();
    private int _disposed;

    /// <summary>A transport for the broker URL and options of <paramref name="context"/>; connects on first use.</summary>
    /// <exception cref="ArgumentException">A transport option has a value kombu would not accept.</exception>
    /// <exception cref="FormatException">The URL is malformed.</exception>
    public RedisTransport(ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Options = RedisTransportOptions.Parse(context.Options.BrokerTransportOptions);
        var connection = RedisConnectionOptions.Parse(context.Url.OriginalString);
        Layout = Options.CreateLayout(connection.Database);
        _clock = context.Options.TimeProvider;
        _logger = context.LoggerFactory.CreateLogger("Celeriac.Redis.Transport");
        _redis = new RedisClient(connection, _logger);
        _router = new ExchangeRouter(_redis, Layout);
        _sweeper = Options.AckEmulation ? new VisibilitySweeper(_redis, Layout, Options, _router, _clock, _logger) : null;
    }

    /// <summary>The transport options in effect.</summary>
    public RedisTransportOptions Options { get; }

    /// <summary>Every key and channel name this transport uses.</summary>
    public RedisLayout Layout { get; }

    /// <summary>The client, for tests that look at raw keys.</summary>
    internal RedisClient Client => _redis;

    /// <summary>The visibility sweep, for tests and tools that want one now; null without ack emulation.</summary>
    internal VisibilitySweeper? Sweeper => _sweeper;

    /// <inheritdoc />
    public async ValueTask PublishAsync(BrokerMessage message, DeliveryInfo route, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var envelope = KombuEnvelope.Encode(message, route);
        var target = await ResolveAsync(route, message.Properties.Priority, cancellationToken).ConfigureAwait(false);
        if (target.Channel is { } channel)
        {
            await _redis.ExecuteAsync(new RedisCommand("PUBLISH", channel, envelope), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (target.ListKeys.Count > 0) await LeftPushAsync(target.ListKeys, envelope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Where a publish with <paramref name="route"/> and <paramref name="priority"/> goes: the anonymous
    /// exchange's queue, a fanout channel, or the queues bound to a named exchange (the dead-letter
    /// queue when none is and one is configured). Shared by <see cref="PublishAsync(BrokerMessage, DeliveryInfo, CancellationToken)"/> and the beat
    /// store, whose script writes to the same places (docs/protocol.md §2.2).
    /// </summary>
    internal async ValueTask<PublishTarget> ResolveAsync(DeliveryInfo route, int? priority, CancellationToken cancellationToken)
    {
        // The anonymous exchange: the routing key is the queue (docs/protocol.md §2.2).
        if (route.Exchange.Length == 0) return new PublishTarget([Layout.QueueKey(route.RoutingKey, priority)], null);
        if (_router.KindOf(route.Exchange) == ExchangeKind.Fanout) return new PublishTarget([], Layout.FanoutChannel(route.Exchange, route.RoutingKey));
        var queues = await _router.RouteAsync(route.Exchange, route.RoutingKey, cancellationToken).ConfigureAwait(false);
        if (queues.Count == 0 && Options.DeadLetterQueue is { } deadLetter) queues = [deadLetter];
        if (queues.Count == 0)
        {
            // kombu warns and drops an unroutable message too (docs/protocol.md §2.2).
            _logger.LogWarning("Message to exchange '{Exchange}' with routing key '{RoutingKey}' matches no queue; dropped", route.Exchange, route.RoutingKey);
            return PublishTarget.Nowhere;
        }
        return new PublishTarget(queues.Select(q => Layout.QueueKey(q, priority)).ToList(), null);
    }

    /// <inheritdoc />
    public async ValueTask DeclareQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        // What Python's queue_declare + queue_bind write for Celery's queue: the same-named direct
        // exchange bound with the queue name (docs/protocol.md §2.2 item 4, vector redis_bindings_and_subscriptions).
        await _redis.ExecuteAsync(new RedisCommand("SADD", Layout.BindingKey(queue), Layout.BindingMember(queue, "", queue)), cancellationToken).ConfigureAwait(false);
        _router.Invalidate(queue);
    }

    /// <summary>
    /// Declares an exchange's type in this process, as kombu's <c>exchange_declare</c> does (kombu
    /// keeps types in memory only; undeclared exchanges are direct).
    /// </summary>
    public void DeclareExchange(string exchange, ExchangeKind kind) => _router.Declare(exchange, kind);

    /// <summary>Binds a queue to an exchange: the binding member kombu writes, with a topic pattern for topic exchanges (docs/protocol.md §2.5).</summary>
    public async ValueTask BindQueueAsync(string queue, string exchange, string routingKey, CancellationToken cancellationToken = default)
    {
        var member = Layout.BindingMember(routingKey, _router.PatternFor(exchange, routingKey), queue);
        await _redis.ExecuteAsync(new RedisCommand("SADD", Layout.BindingKey(exchange), member), cancellationToken).ConfigureAwait(false);
        _router.Invalidate(exchange);
    }

    /// <inheritdoc />
    public async ValueTask<ITransportConsumer> ConsumeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (queues.Count == 0) throw new ArgumentException("A consumer needs at least one queue.", nameof(queues));
        // kombu restores timed-out deliveries when a consumer starts (docs/protocol.md §2.4); this also proves
        // the server is reachable before the worker says it is ready.
        if (_sweeper is not null) await _sweeper.SweepAsync(cancellationToken).ConfigureAwait(false);
        else await _redis.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var consumer = new RedisConsumer(_redis, Layout, Options, queues, _sweeper, _clock, _logger, c => _consumers.TryRemove(c, out _));
        _consumers.TryAdd(consumer, 0);
        return consumer;
    }

    /// <inheritdoc />
    public async ValueTask<long> PurgeAsync(string queue, CancellationToken cancellationToken = default)
    {
        var keys = Layout.QueueKeys(queue).Select(k => (RedisArgument)k).ToArray();
        return (await _redis.EvaluateAsync(TransportScripts.Purge, keys, [], cancellationToken).ConfigureAwait(false)).AsInt64();
    }

    /// <inheritdoc />
    public async ValueTask<long> GetQueueDepthAsync(string queue, CancellationToken cancellationToken = default)
    {
        var replies = await _redis.ExecuteBatchAsync(Layout.QueueKeys(queue).Select(k => new RedisCommand("LLEN", k)).ToList(), cancellationToken).ConfigureAwait(false);
        long depth = 0;
        foreach (var reply in replies) depth += reply.IsError ? throw new RedisServerException(reply.AsString()!) : reply.AsInt64();
        return depth;
    }

    /// <summary>The depth per priority step: one LLEN per kombu list of the queue (<c>q</c>, <c>q\x06\x163</c>, …) in one round trip.</summary>
    public async ValueTask<QueueDetails> GetQueueDetailsAsync(string queue, CancellationToken cancellationToken = default)
    {
        var replies = await _redis.ExecuteBatchAsync(Layout.PrioritySteps.Select(s => new RedisCommand("LLEN", Layout.QueueKey(queue, s))).ToList(), cancellationToken).ConfigureAwait(false);
        var byPriority = new Dictionary<int, long>();
        for (var i = 0; i < replies.Length; i++)
            byPriority[Layout.PrioritySteps[i]] = replies[i].IsError ? throw new RedisServerException(replies[i].AsString()!) : replies[i].AsInt64();
        return new QueueDetails(byPriority.Values.Sum(), byPriority, Consumers: null);
    }

    /// <summary>Closes open consumers (restoring what they hold), then the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var consumer in _consumers.Keys) await consumer.DisposeAsync().ConfigureAwait(false);
        await _redis.DisposeAsync().ConfigureAwait(false);
    }

    private async Task LeftPushAsync(IReadOnlyList<string> keys, byte[] envelope, CancellationToken cancellationToken)
    {
        if (keys.Count == 1)
        {
            await _redis.ExecuteAsync(new RedisCommand("LPUSH", keys[0], envelope), cancellationToken).ConfigureAwait(false);
            return;
        }
        var replies = await _redis.ExecuteBatchAsync(keys.Select(k => new RedisCommand("LPUSH", k, envelope)).ToList(), cancellationToken).ConfigureAwait(false);
        foreach (var reply in replies)
            if (reply.IsError) throw new RedisServerException(reply.AsString()!);
    }
}
