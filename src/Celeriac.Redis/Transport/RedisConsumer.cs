using System.Collections.Concurrent;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Transport;

/// <summary>
/// A consumer of kombu's Redis lists (docs/protocol.md §2.3–2.4). A receive takes up to the asked number of
/// messages in one atomic script call that also records them in <c>unacked</c>; only when that
/// finds nothing does it block in <c>BRPOP</c>. Settlements go in batches: one pipelined
/// ZREM + HDEL for all acks and rejects, one script call for everything given back. Disposing
/// gives every unsettled delivery back to the front of its queue, in delivery order, and while the
/// consumer lives it sweeps for anyone's deliveries whose visibility timeout passed.
/// </summary>
/// <remarks>
/// Malformed input (docs/protocol.md §1.1): a list element kombu could not record — not JSON, not an object,
/// no string <c>properties.delivery_tag</c> or <c>delivery_info.exchange</c> — is popped, not
/// recorded, logged, and handed on as a <see cref="TransportDelivery.Malformed"/> delivery; one
/// kombu could record but we cannot read (bad base64, …) is recorded as usual and handed on the
/// same way. Rejecting either removes it (and its <c>unacked</c> entry), or, with
/// <c>deadletter_queue</c> set, LPUSHes it to that queue with the reason (<see cref="DeadLetter"/>), as
/// for any rejected message. A restore or requeue
/// puts it back as it came. Python Celery 5.2 would stop the worker on most of these instead.
/// </remarks>
internal sealed partial class RedisConsumer : ITransportConsumer, IQueueSetConsumer
{
    // One script call pops at most this many, so it never holds the server for long.
    private const int MaxPerCall = 1000;

    // Bytes one receive takes at most (its script calls share it), besides the one message it
    // always takes: Redis builds a call's reply in one go, so this bounds how long a call holds the
    // server and how much one reply carries. Small tasks never reach it (a thousand are ~1 MB).
    internal const int MaxBytesPerReceive = 8 * 1024 * 1024;

    // A receive of at least twice this many is split into pipelined calls (at most MaxPipelinedCalls).
    private const int MinPerPipelinedCall = 32;
    private const int MaxPipelinedCalls = 4;

    private readonly RedisClient _redis;
    private readonly RedisLayout _layout;
    private readonly RedisTransportOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly QueueCycle _cycle;
    private readonly BlockingPop _blocking;
    private readonly string? _deadLetterKey;
    private readonly SemaphoreSlim _receiving = new(1, 1);
    private readonly ConcurrentDictionary<TransportDelivery, RedisDeliveryState> _unsettled = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Action<RedisConsumer> _closed;
    private readonly Task _sweeping;
    private long _delivered;
    private int _disposed;

    public RedisConsumer(RedisClient redis, RedisLayout layout, RedisTransportOptions options, IReadOnlyList<string> queues,
        VisibilitySweeper? sweeper, TimeProvider clock, ILogger logger, Action<RedisConsumer> closed)
    {
        _redis = redis;
        _layout = layout;
        _options = options;
        _clock = clock;
        _logger = logger;
        _closed = closed;
        _cycle = new QueueCycle(queues, options.QueueOrder);
        _names = queues.Distinct(StringComparer.Ordinal).ToArray();
        _blocking = new BlockingPop(redis, logger);
        _deadLetterKey = options.DeadLetterQueue is { } deadLetter ? layout.QueueKey(deadLetter) : null;
        _sweeping = sweeper is null ? Task.CompletedTask : sweeper.RunAsync(_closing.Token);
    }


    /// <summary>Deliveries handed out and not yet settled.</summary>
    public int Unsettled => _unsettled.Count;

    /// <summary>Gives unsettled deliveries back (front of their queues, in delivery order) and stops the sweeps.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _closing.CancelAsync().ConfigureAwait(false);
        // A receive in flight finishes first (its blocking pop is cut short), so what it took is known here.
        await _receiving.WaitAsync().ConfigureAwait(false);
        try
        {
            await _sweeping.ConfigureAwait(false);
            var left = _unsettled.Keys.Select(d => new Settlement(d, SettleAction.Restore)).ToList();
            if (left.Count > 0)
            {
                try
                {
                    await SettleAsync(left).ConfigureAwait(false);
                    _logger.LogInformation("Restored {Count} unacknowledged message(s) to {Queues}", left.Count, string.Join(", ", _cycle.Current));
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
                {
                    _logger.LogError("Could not restore {Count} unacknowledged message(s) on close; a visibility sweep restores them after {Timeout}: {Reason}",
                        left.Count, _options.VisibilityTimeout, ex.Message);
                }
            }
        }
        finally
        {
            await _blocking.DisposeAsync().ConfigureAwait(false);
            _receiving.Release();
            _closed(this);
        }
    }
}
