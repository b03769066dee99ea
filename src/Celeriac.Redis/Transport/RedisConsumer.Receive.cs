using Celeriac.Protocol.Messages;
using Celeriac.Redis.Resp;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Transport;

/// <content>Receiving: one script call per batch; BRPOP only when the lists are empty (SPEC §2.3).</content>
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
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
            var max = Math.Min(maxCount, MaxPerCall);
            var taken = await TakeAsync(max, first: null).ConfigureAwait(false);
            // Nothing waiting: block on the server for up to a second at a time, checking for a stop
            // between pops (a pop is never abandoned mid-flight; BlockingPop ends it server-side).
            while (taken.Count == 0 && !stop.IsCancellationRequested)
            {
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
    private async Task<List<TransportDelivery>> TakeAsync(int max, (string Key, ReadOnlyMemory<byte> Value)? first)
    {
        var queues = _cycle.Current.ToArray();
        var listKeys = _layout.ConsumeKeys(queues);
        var keys = new RedisArgument[2 + listKeys.Count];
        keys[0] = _layout.Unacked;
        keys[1] = _layout.UnackedIndex;
        for (var i = 0; i < listKeys.Count; i++) keys[2 + i] = listKeys[i];
        var firstIndex = first is { } f ? IndexOf(listKeys, f.Key) + 1 : 0;
        RedisArgument[] arguments =
        [
            max, UnixTime.Score(_clock), _options.AckEmulation ? "1" : "0", queues.Length, _cycle.Rotates ? "1" : "0",
            firstIndex, first?.Value ?? ReadOnlyMemory<byte>.Empty,
        ];

        RespValue reply;
        try
        {
            // Not cancellable: a reply dropped here would strand what the script popped in unacked.
            reply = await _redis.EvaluateAsync(TransportScripts.Receive, keys, arguments, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (first is { } popped && ex is RedisException or TimeoutException)
        {
            // BRPOP took it but it could not be recorded: hand it over unrecorded rather than lose it
            // (kombu has the same window between BRPOP and its ZADD/HSET, and loses the message).
            _logger.LogWarning("A message popped from {Key} could not be recorded in {Unacked} ({Reason}); delivered without ack emulation",
                popped.Key, _layout.Unacked, ex.Message);
            var index = Math.Max(firstIndex, 1);
            return [Deliver(popped.Value, popped.Key, queues[(index - 1) % queues.Length], recordable: true, recordedTag: "", score: "")];
        }

        var items = reply.AsArray();
        var deliveries = new List<TransportDelivery>(items.Length / 4);
        for (var i = 0; i + 3 < items.Length; i += 4)
        {
            var k = (int)items[i].AsInt64();
            var queue = queues[(k - 1) % queues.Length];
            var tag = items[i + 2].AsString() ?? "";
            deliveries.Add(Deliver(items[i + 1].Bytes, listKeys[k - 1], queue, recordable: tag.Length > 0,
                recordedTag: _options.AckEmulation ? tag : "", items[i + 3].AsString() ?? ""));
            _cycle.Rotate(queue); // the script rotated the same way for its own picks
        }
        return deliveries;
    }

    /// <param name="raw">The list element as popped.</param>
    /// <param name="key">The list it came from.</param>
    /// <param name="queue">Its queue.</param>
    /// <param name="recordable">False when the script found no string delivery_tag and delivery_info.exchange.</param>
    /// <param name="recordedTag">The tag of the <c>unacked</c> entry written for it; empty when none was.</param>
    /// <param name="score">The entry's <c>unacked_index</c> score.</param>
    private TransportDelivery Deliver(ReadOnlyMemory<byte> raw, string key, string queue, bool recordable, string recordedTag, string score)
    {
        KombuEnvelope? envelope = null;
        InvalidMessageException? malformed = null;
        try
        {
            envelope = KombuEnvelope.Decode(raw.Span);
        }
        catch (InvalidMessageException ex)
        {
            malformed = ex;
        }
        // kombu cannot record (nor restore) what has no string tag and exchange: never hand it on as readable.
        if (malformed is null && !recordable)
            malformed = new InvalidMessageException("envelope's properties.delivery_tag and properties.delivery_info.exchange must be strings (SPEC §1.1)");

        var state = new RedisDeliveryState(raw, key, Interlocked.Increment(ref _delivered), recordedTag, recordedTag.Length > 0 ? score : "",
            malformed is null ? envelope : null);
        TransportDelivery delivery;
        if (malformed is null)
        {
            delivery = new TransportDelivery(envelope!.Message, queue, envelope.DeliveryInfo, envelope.DeliveryTag, envelope.Redelivered, state);
        }
        else
        {
            delivery = new TransportDelivery(malformed, queue, recordedTag.Length > 0 ? recordedTag : "unrecorded-" + Guid.NewGuid().ToString("N"), state);
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
