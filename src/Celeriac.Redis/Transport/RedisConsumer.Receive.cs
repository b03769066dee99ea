using System.Globalization;
using System.Runtime.CompilerServices;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Resp;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Transport;

/// <content>Receiving: atomic script calls that pop and record; BRPOP only when the lists are empty (docs/protocol.md §2.3).</content>
internal sealed partial class RedisConsumer
{
    public async ValueTask<IReadOnlyList<TransportDelivery>> ReceiveAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        ObjectDisposedException.ThrowIf(_closing.IsCancellationRequested, this);
        if (cancellationToken.IsCancellationRequested) return [];
        try
        {
            await _receiving.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return [];
        }
        try
        {
            if (_closing.IsCancellationRequested) return [];
            // The wake token is read before ChangePending is: a change counts itself, then wakes.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token, WakeToken);
            var max = Math.Min(maxCount, MaxPerCall);
            var taken = _cycle.Current.Count == 0 ? [] : await TakeAsync(max, first: null).ConfigureAwait(false);
            // Nothing waiting: block on the server for up to a second at a time, checking for a stop
            // (or a change of queues, which needs the gate) between pops; a pop is never abandoned
            // mid-flight, BlockingPop ends it server-side.
            while (taken.Count == 0 && !stop.IsCancellationRequested && !ChangePending)
            {
                if (_cycle.Current.Count == 0)
                {
                    // Every queue cancelled: nothing to pop until one is added (which wakes this) or a stop.
                    try { await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { }
                    break;
                }
                var keys = _layout.ConsumeKeys(_cycle.Current);
                if (await _blocking.PopAsync(keys, stop.Token).ConfigureAwait(false) is { } popped)
                    taken = await TakeAsync(max, popped).ConfigureAwait(false);
            }
            return taken;
        }
        finally
        {
            _receiving.Release();
        }
    }

    /// <summary>
    /// Runs the receive script: pops up to <paramref name="max"/> (counting <paramref name="first"/>,
    /// which a BRPOP already popped and the script records) and turns them into deliveries.
    /// </summary>
    /// <remarks>
    /// A big batch from a consumer whose key order cannot change in between (one queue, or a fixed
    /// order) is split into a few script calls sent together: Redis runs the next while this side
    /// decodes the previous one's messages, which is where most of a drain's time goes. Each call is
    /// atomic on its own; together they take at most <paramref name="max"/>, in list order.
    /// </remarks>
    private async Task<List<TransportDelivery>> TakeAsync(int max, (string Key, ReadOnlyMemory<byte> Value)? first)
    {
        var queues = _cycle.Current.ToArray();
        var listKeys = _layout.ConsumeKeys(queues);
        var keys = new RedisArgument[2 + listKeys.Count];
        keys[0] = _layout.Unacked;
        keys[1] = _layout.UnackedIndex;
        for (var i = 0; i < listKeys.Count; i++) keys[2 + i] = listKeys[i];
        var now = UnixTime.Seconds(_clock);
        if (first is { } popped) return await TakeAfterPopAsync(max, popped, queues, listKeys, keys, now).ConfigureAwait(false);

        var calls = _cycle.Rotates ? 1 : Math.Clamp(max / MinPerPipelinedCall, 1, MaxPipelinedCalls);
        var replies = new Task<RespValue>[calls];
        // Loaded first on the same connection, so no EVALSHA of the pipeline can meet NOSCRIPT and
        // fall back out of order. Its own failure shows in the calls after it.
        var loading = calls > 1 ? _redis.ExecuteAsync(TransportScripts.Receive.LoadCommand()).AsTask() : Task.FromResult(default(RespValue));
        for (int call = 0, offset = 0; call < calls; call++)
        {
            var size = max / calls + (call < max % calls ? 1 : 0);
            var arguments = Arguments(size, now, offset, firstIndex: 0, ReadOnlyMemory<byte>.Empty, queues.Length, MaxBytesPerReceive / calls);
            // Not cancellable: a reply dropped here would strand what the script popped in unacked.
            replies[call] = calls == 1
                ? _redis.EvaluateAsync(TransportScripts.Receive, keys, arguments, CancellationToken.None).AsTask()
                : _redis.ExecuteAsync(TransportScripts.Receive.EvalShaCommand(keys, arguments)).AsTask();
            offset += size;
        }

        var deliveries = new List<TransportDelivery>(max);
        Exception? failure = null;
        foreach (var reply in replies)
        {
            try
            {
                Collect(await reply.ConfigureAwait(false), queues, listKeys, deliveries);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                failure ??= ex;
            }
        }
        try
        {
            await loading.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            failure ??= ex;
        }
        if (failure is null) return deliveries;
        // What the calls that worked took is recorded and must be handed over; a call that failed
        // after popping left its messages in unacked, for the visibility sweep.
        if (deliveries.Count == 0) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        _logger.LogWarning("Part of a receive from {Queues} failed ({Reason}); delivering the {Count} message(s) the rest took",
            string.Join(", ", queues), failure.Message, deliveries.Count);
        return deliveries;
    }

    private async Task<List<TransportDelivery>> TakeAfterPopAsync(int max, (string Key, ReadOnlyMemory<byte> Value) popped, string[] queues,
        IReadOnlyList<string> listKeys, RedisArgument[] keys, double now)
    {
        var firstIndex = IndexOf(listKeys, popped.Key) + 1;
        var queue = queues[(Math.Max(firstIndex, 1) - 1) % queues.Length];
        var (envelope, malformed) = Read(popped.Value);
        // Early only what the script is sure to record: our reader and the script agree on what has
        // a string tag and exchange, except an empty tag, which the script does not record (and
        // Collect then rejects) — it takes the slow path below and is rejected the same way.
        // A surrogate in the tag takes the slow path too: its UTF-8 here and the bytes cjson records
        // for an escaped lone one could differ, and the early ack goes by those bytes.
        if (malformed is null && envelope!.DeliveryTag.Length > 0 && envelope.DeliveryTag.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            // A readable message goes to the worker now, not one round trip later when the script
            // that records it in unacked answers (kombu too runs a task popped by BRPOP before, or
            // without, recording it). The script records only this one, so the worker never holds
            // more than it asked for. Commands sent after the script on the shared connection run
            // after it: an ack removes the entry by its tag at once; a give-back, which needs the
            // entry's score, waits for the record (Recording).
            var recordOnly = Arguments(1, now, 0, firstIndex, popped.Value, queues.Length, MaxBytesPerReceive);
            var delivery = Deliver(popped.Value, popped.Key, queue, envelope, null, recordedTag: ReadOnlyMemory<byte>.Empty, score: "");
            var state = (RedisDeliveryState)delivery.State!;
            state.RecordLater(RecordAsync(_redis.EvaluateAsync(TransportScripts.Receive, keys, recordOnly, CancellationToken.None), state, popped.Key),
                _options.AckEmulation ? System.Text.Encoding.UTF8.GetBytes(envelope!.DeliveryTag) : ReadOnlyMemory<byte>.Empty);
            _cycle.Rotate(queue); // as the script does for the popped message
            return [delivery];
        }

        // Unreadable (or untagged): the script's answer decides whether kombu could have recorded it.
        // Not cancellable: a reply dropped here would strand what the script popped in unacked.
        var reply = _redis.EvaluateAsync(TransportScripts.Receive, keys, Arguments(max, now, 0, firstIndex, popped.Value, queues.Length, MaxBytesPerReceive), CancellationToken.None);
        RespValue answer;
        try
        {
            answer = await reply.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnrecorded(popped.Key, ex);
            return [Deliver(popped.Value, popped.Key, queue, null, malformed ?? Untagged(), recordedTag: ReadOnlyMemory<byte>.Empty, score: "")];
        }
        var deliveries = new List<TransportDelivery>();
        Collect(answer, queues, listKeys, deliveries);
        return deliveries;
    }

    /// <summary>Waits for the record of a message handed over early; fills in its tag and score (none when it failed).</summary>
    private async Task RecordAsync(ValueTask<RespValue> reply, RedisDeliveryState state, string key)
    {
        try
        {
            var items = (await reply.ConfigureAwait(false)).AsArray();
            state.Recorded(_options.AckEmulation ? items[2].Bytes : ReadOnlyMemory<byte>.Empty, items[3].AsString() ?? "");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // BRPOP took it but it could not be recorded: it runs unrecorded rather than being lost
            // (kombu has the same window between BRPOP and its ZADD/HSET, and loses the message).
            LogUnrecorded(key, ex);
            state.Recorded(ReadOnlyMemory<byte>.Empty, "");
        }
    }

    private void LogUnrecorded(string key, Exception ex) =>
        _logger.LogWarning("A message popped from {Key} could not be recorded in {Unacked} ({Reason}); delivered without ack emulation",
            key, _layout.Unacked, ex.Message);

    private RedisArgument[] Arguments(int max, double now, int offset, int firstIndex, ReadOnlyMemory<byte> first, int queueCount, int byteBudget) =>
    [
        // Each call's scores start after the previous call's, so scores stay in delivery order.
        max, (now + offset * 0.000001).ToString("R", CultureInfo.InvariantCulture), _options.AckEmulation ? "1" : "0", queueCount,
        _cycle.Rotates ? "1" : "0", firstIndex, first, byteBudget,
    ];

    // Per-message hot path: compiled optimized at once. Tiered compilation would run it unoptimized,
    // then instrumented, through a worker's first seconds — most of a short drain.
    /// <summary>Turns a script reply (key index, value, tag, score per message) into deliveries, rotating as the script did.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Collect(RespValue reply, string[] queues, IReadOnlyList<string> listKeys, List<TransportDelivery> into)
    {
        var items = reply.AsArray();
        for (var i = 0; i + 3 < items.Length; i += 4)
        {
            var k = (int)items[i].AsInt64();
            var queue = queues[(k - 1) % queues.Length];
            var tag = items[i + 2].Bytes; // bytes: the entry is keyed by exactly these, UTF-8 or not
            var raw = items[i + 1].Bytes;
            var (envelope, malformed) = Read(raw);
            // kombu cannot record (nor restore) what has no string tag and exchange: never hand it on as readable.
            if (malformed is null && tag.Length == 0) malformed = Untagged();
            into.Add(Deliver(raw, listKeys[k - 1], queue, malformed is null ? envelope : null, malformed,
                recordedTag: _options.AckEmulation ? tag : ReadOnlyMemory<byte>.Empty, items[i + 3].AsString() ?? ""));
            _cycle.Rotate(queue); // the script rotated the same way for its own picks
        }
    }

    private static InvalidMessageException Untagged() =>
        new("envelope's properties.delivery_tag must be a non-empty string and properties.delivery_info.exchange a string (docs/protocol.md §1.1)");

    /// <summary>Decodes a list element; a reader failure makes it malformed rather than costing the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (KombuEnvelope? Envelope, InvalidMessageException? Malformed) Read(ReadOnlyMemory<byte> raw)
    {
        try
        {
            return (KombuEnvelope.Decode(raw), null);
        }
        catch (InvalidMessageException ex)
        {
            return (null, ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return (null, new InvalidMessageException($"envelope could not be read: {ex.Message}", ex));
        }
    }

    /// <param name="raw">The list element as popped.</param>
    /// <param name="key">The list it came from.</param>
    /// <param name="queue">Its queue.</param>
    /// <param name="envelope">The decoded envelope, when readable.</param>
    /// <param name="malformed">Why it is not readable, when it is not.</param>
    /// <param name="recordedTag">The tag of the <c>unacked</c> entry written for it; empty when none was (yet).</param>
    /// <param name="score">The entry's <c>unacked_index</c> score.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private TransportDelivery Deliver(ReadOnlyMemory<byte> raw, string key, string queue, KombuEnvelope? envelope, InvalidMessageException? malformed,
        ReadOnlyMemory<byte> recordedTag, string score)
    {
        var state = new RedisDeliveryState(raw, key, Interlocked.Increment(ref _delivered), recordedTag, recordedTag.Length > 0 ? score : "",
            malformed is null ? envelope : null);
        TransportDelivery delivery;
        if (malformed is null)
        {
            delivery = new TransportDelivery(envelope!.Message, queue, envelope.DeliveryInfo, envelope.DeliveryTag, envelope.Redelivered, state);
        }
        else
        {
            delivery = new TransportDelivery(malformed, queue,
                recordedTag.Length > 0 ? DeliveryTags.ToText(recordedTag.Span) : "unrecorded-" + Guid.NewGuid().ToString("N"), state);
            _logger.LogWarning("Malformed message in list {Key} of queue {Queue}: {Reason}. Rejecting it {Fate}", key, queue, malformed.Message,
                _deadLetterKey is null ? "drops it" : $"moves it to the dead-letter queue '{_options.DeadLetterQueue}'");
        }
        _unsettled[delivery] = state;
        return delivery;
    }

    private static int IndexOf(IReadOnlyList<string> keys, string key)
    {
        for (var i = 0; i < keys.Count; i++)
            if (string.Equals(keys[i], key, StringComparison.Ordinal)) return i;
        return -1;
    }
}
