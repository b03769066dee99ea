using System.Diagnostics;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Transport;

/// <summary>
/// Restores deliveries whose visibility timeout passed, whoever took them — a Celeriac or a Python
/// worker that died (docs/protocol.md §2.4). Under the <c>unacked_mutex</c> lock (skipped while another process
/// holds it, as kombu does): <c>ZREVRANGEBYSCORE unacked_index &lt;now - timeout&gt; 0 WITHSCORES</c>,
/// then each entry is routed again from its exchange and routing key, marked redelivered and
/// pushed to the front of its queue by <see cref="TransportScripts.Restore"/>.
/// </summary>
/// <remarks>
/// Deviation from kombu 5.2: a restored message goes to the list of its own priority (as kombu
/// 5.4 does), not always to the step-0 list, so a restored low-priority message does not overtake
/// waiting high-priority ones. An entry that cannot be read, or whose exchange routes nowhere, is
/// removed and logged (kombu 5.2 would raise on every sweep for the former and drop the latter).
/// </remarks>
internal sealed class VisibilitySweeper(RedisClient redis, RedisLayout layout, RedisTransportOptions options, ExchangeRouter router,
    TimeProvider clock, ILogger logger)
{
    private const int EntriesPerRound = 200;

    /// <summary>The release started after a SET that got no answer (for tests: it never throws).</summary>
    internal Task LateRelease { get; private set; } = Task.CompletedTask;

    /// <summary>One sweep; returns how many messages went back to their queues (0 when another process holds the lock).</summary>
    public async Task<long> SweepAsync(CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        RespValue locked;
        try
        {
            locked = await redis.ExecuteAsync(new RedisCommand("SET", layout.UnackedMutex, token, "PX",
                (long)options.UnackedMutexExpire.TotalMilliseconds, "NX"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or RedisConnectionException or OperationCanceledException)
        {
            // No answer is not "not locked": the SET may have run (a stalled server runs it late).
            // Release by our token, or every sweep everywhere waits out the lock's whole TTL. The
            // retries run on their own, not in the caller's way: a broker that is down would
            // otherwise hold whoever swept (a consumer being opened) for the lock's whole TTL.
            // They end once a release answers, the lock would have expired, or the client is disposed.
            LateRelease = Task.Run(() => ReleaseAsync(token, CancellationToken.None), CancellationToken.None);
            throw;
        }
        if (locked.IsNull) return 0;
        try
        {
            var ceiling = UnixTime.Seconds(clock) - options.VisibilityTimeout.TotalSeconds;
            var query = new List<RedisArgument> { layout.UnackedIndex, ceiling, 0, "WITHSCORES" };
            if (options.UnackedRestoreLimit is { } limit) query.AddRange(["LIMIT", 0, limit]);
            var due = (await redis.ExecuteAsync(new RedisCommand("ZREVRANGEBYSCORE", [.. query]), cancellationToken).ConfigureAwait(false)).AsArray();
            long restored = 0;
            for (var i = 0; i < due.Length; i += 2 * EntriesPerRound)
                restored += await RestoreAsync(due.AsMemory(i, Math.Min(2 * EntriesPerRound, due.Length - i)), cancellationToken).ConfigureAwait(false);
            if (restored > 0) logger.LogWarning("Restored {Count} unacknowledged message(s) whose visibility timeout ({Timeout}) passed", restored, options.VisibilityTimeout);
            return restored;
        }
        finally
        {
            await ReleaseAsync(token, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes the lock if it still holds <paramref name="token"/> (a token-checked DEL, so another
    /// sweeper's lock is never touched). A release that gets no answer is tried again, with backoff,
    /// until one answers or the lock would have expired anyway; a stopping consumer tries once.
    /// </summary>
    private async Task ReleaseAsync(string token, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await redis.EvaluateAsync(TransportScripts.ReleaseLock, [layout.UnackedMutex], [token], CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                if (ex is ObjectDisposedException || stopping.IsCancellationRequested || Stopwatch.GetElapsedTime(started) + delay >= options.UnackedMutexExpire)
                {
                    logger.LogDebug("Could not release {Mutex}; it expires by itself: {Reason}", layout.UnackedMutex, ex.Message);
                    return;
                }
            }
            await Task.Delay(delay, CancellationToken.None).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    /// <summary>Sweeps every <see cref="RedisTransportOptions.SweepInterval"/> until stopped; failures are logged and retried next time.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.SweepInterval, clock, stopping).ConfigureAwait(false);
                await SweepAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Visibility sweep failed; retrying in {Interval}: {Reason}", options.SweepInterval, ex.Message);
            }
        }
    }

    private async Task<long> RestoreAsync(ReadOnlyMemory<RespValue> tagsAndScores, CancellationToken cancellationToken)
    {
        var pairs = tagsAndScores.Span;
        var get = new RedisArgument[1 + pairs.Length / 2];
        get[0] = layout.Unacked;
        for (var i = 0; i < pairs.Length / 2; i++) get[1 + i] = pairs[2 * i].Bytes;
        var entries = (await redis.ExecuteAsync(new RedisCommand("HMGET", get), cancellationToken).ConfigureAwait(false)).AsArray();

        var batch = new RestoreBatch(layout);
        for (var i = 0; i < entries.Length; i++)
        {
            // The tag as its bytes (DeliveryTags): the index, the hash and the restore script all
            // key by exactly these, so even a tag that is not UTF-8 is removed, once.
            var tag = tagsAndScores.Span[2 * i].Bytes;
            var score = tagsAndScores.Span[2 * i + 1].AsString()!;
            // An index entry without a hash entry (or an unreadable one) is only removed.
            var (payload, destinations) = entries[i].IsNull ? (ReadOnlyMemory<byte>.Empty, [])
                : await PlanAsync(tag, entries[i].Bytes, cancellationToken).ConfigureAwait(false);
            batch.Add(tag, score, payload, front: true, destinations);
        }
        return await batch.RunAsync(redis).ConfigureAwait(false);
    }

    private async Task<(ReadOnlyMemory<byte> Payload, IReadOnlyList<string> Destinations)> PlanAsync(ReadOnlyMemory<byte> tagBytes, ReadOnlyMemory<byte> entry, CancellationToken cancellationToken)
    {
        var tag = DeliveryTags.ToText(tagBytes.Span);
        JsonObject envelope;
        string exchange, routingKey;
        byte[] payload;
        try
        {
            // [envelope, exchange, routing_key] (vector redis_unacked_entry).
            var array = CeleryJson.Parse(entry.Span) as JsonArray ?? throw new FormatException("not a JSON array");
            envelope = array[0] as JsonObject ?? throw new FormatException("its first item is not an envelope object");
            exchange = array[1]?.GetValue<string>() ?? "";
            routingKey = array[2]?.GetValue<string>() ?? "";
            // Inside the try: text that is not UTF-8 can fail when it is read out ("Cannot
            // transcode invalid UTF-8"), and then the entry is as unreadable as any other.
            payload = Redelivery.Mark(envelope);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or System.Text.Json.JsonException or ArgumentOutOfRangeException)
        {
            logger.LogError("Unacked entry {Tag} cannot be read ({Reason}); removed, its message is lost: {Entry}", tag, ex.Message, Preview(entry));
            return (ReadOnlyMemory<byte>.Empty, []);
        }

        var queues = await router.RouteAsync(exchange, routingKey, cancellationToken).ConfigureAwait(false);
        if (queues.Count == 0 && options.DeadLetterQueue is { } deadLetter) queues = [deadLetter];
        if (queues.Count == 0)
        {
            logger.LogWarning("Unacked message {Tag} (exchange '{Exchange}', routing key '{RoutingKey}') routes to no queue; dropped as kombu drops it", tag, exchange, routingKey);
            return (ReadOnlyMemory<byte>.Empty, []);
        }
        var priority = Priority(envelope);
        return (payload, queues.Select(q => layout.QueueKey(q, priority)).ToList());
    }

    private static int? Priority(JsonObject envelope) =>
        envelope["properties"] is JsonObject properties && properties["priority"] is JsonNode p && CeleryJson.AsInt64(p) is { } value
            ? (int)Math.Clamp(value, 0, 255)
            : null;

    private static string Preview(ReadOnlyMemory<byte> bytes) =>
        System.Text.Encoding.UTF8.GetString(bytes.Span[..Math.Min(bytes.Length, 200)]);
}
