using System.Collections.Concurrent;
using System.Threading.Channels;
using Celeriac.Protocol.Control;
using Celeriac.Protocol.Events;
using Celeriac.Protocol.Json;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Control.Client;

/// <summary>
/// A control client's one reply queue (docs/protocol.md §7.1): <c>&lt;oid&gt;.reply.celery.pidbox</c> bound to
/// <c>reply.celery.pidbox</c> with the client's oid, opened on first use and read by one loop that
/// hands each reply to the broadcast waiting for its ticket. Replies for tickets nobody waits for
/// any more (late answers to a broadcast that timed out) are dropped; every reply adjusts the clock.
/// </summary>
internal sealed class ControlReplyQueue(IBroadcast broadcast, LamportClock clock, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ChannelWriter<ControlReply>> _waiting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _opening = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private IBroadcastSubscription? _queue;
    private Task? _reading;

    /// <summary>This client's id: the routing key of its reply binding.</summary>
    public string Oid { get; } = Guid.NewGuid().ToString();

    /// <summary>Opens the queue and starts reading, once.</summary>
    public async ValueTask EnsureOpenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _queue) is not null) return;
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (_queue is not null) return;
            var queue = await broadcast.OpenDirectQueueAsync(ControlNames.ReplyExchange, Oid, $"{Oid}.{ControlNames.ReplyExchange}", cancellationToken).ConfigureAwait(false);
            _reading = Task.Run(() => ReadAsync(queue), CancellationToken.None);
            Volatile.Write(ref _queue, queue);
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>Starts waiting for replies carrying <paramref name="ticket"/>; dispose the result to stop.</summary>
    public Waiter Wait(string ticket)
    {
        var channel = Channel.CreateUnbounded<ControlReply>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _waiting[ticket] = channel.Writer;
        return new Waiter(this, ticket, channel.Reader);
    }

    private async Task ReadAsync(IBroadcastSubscription queue)
    {
        while (!_stop.IsCancellationRequested)
        {
            BroadcastMessage? message;
            try
            {
                message = await queue.ReceiveAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A broker hiccup: the broadcasts waiting now time out; keep listening for later ones.
                logger.LogWarning(ex, "Reading control replies failed; retrying");
                try { await Task.Delay(TimeSpan.FromMilliseconds(200), _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            if (message is null) return;
            if (message.Message is not { } reply)
            {
                logger.LogWarning("Dropped an unreadable control reply: {Reason}", message.Malformed?.Message);
                continue;
            }
            var headers = reply.Headers;
            if (CeleryJson.AsInt64(headers["clock"]) is { } theirs) clock.Adjust(theirs);
            var ticket = CeleryJson.GetString(headers, "ticket");
            if (ticket is null || !_waiting.TryGetValue(ticket, out var writer)) continue;
            try
            {
                writer.TryWrite(ControlReply.Parse(reply.Body.Span));
            }
            catch (FormatException ex)
            {
                logger.LogWarning("Dropped a malformed control reply: {Reason}", ex.Message);
            }
        }
    }

    /// <summary>Stops reading and removes the queue.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_reading is not null) await _reading.ConfigureAwait(false);
        if (_queue is not null) await _queue.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The replies of one ticket, as they arrive.</summary>
    public sealed class Waiter(ControlReplyQueue owner, string ticket, ChannelReader<ControlReply> replies) : IDisposable
    {
        /// <summary>Replies with this ticket.</summary>
        public ChannelReader<ControlReply> Replies => replies;

        /// <summary>Stops routing this ticket's replies here.</summary>
        public void Dispose() => owner._waiting.TryRemove(ticket, out _);
    }
}
