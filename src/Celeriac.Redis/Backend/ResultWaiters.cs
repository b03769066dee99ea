using System.Threading.Channels;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Backend;

/// <summary>
/// Waiting clients as Celery's Redis result consumer does it (docs/protocol.md §4.3): <c>SUBSCRIBE</c> to the
/// task's channel first, then <c>GET</c> the key once, then wait for a published READY meta. One
/// subscriber connection carries every waiter: waiters of the same task share one entry, and a
/// channel is subscribed when its first waiter comes and unsubscribed when its last one leaves
/// (done, cancelled or failed).
/// </summary>
/// <remarks>
/// Subscription changes go through one pump, so they reach Redis in the order they were decided —
/// an <c>UNSUBSCRIBE</c> of a task nobody waits for any more can never overtake the
/// <c>SUBSCRIBE</c> of a new waiter for it — and the pump batches them (up to
/// <see cref="MaxChannelsPerCommand"/> channels per command) when many waiters arrive at once.
/// Pub/sub loses what is published while the subscriber is reconnecting, so a watch notices a lost
/// subscriber connection and, once it is back (which means resubscribed), <c>GET</c>s every
/// waited key again — what Celery's consumer does after reconnecting.
/// </remarks>
internal sealed class ResultWaiters : IAsyncDisposable
{
    /// <summary>Most channels in one SUBSCRIBE or UNSUBSCRIBE, and most keys per recheck batch.</summary>
    public const int MaxChannelsPerCommand = 1000;

    private readonly RedisClient _client;
    private readonly RedisLayout _layout;
    private readonly ILogger _logger;
    private readonly TimeSpan _watchInterval;
    private readonly Lock _gate = new();
    // Under _gate: channel → entry, and channels whose wanted state changed since the pump last looked.
    private readonly Dictionary<string, WaitedResult> _waited = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    // Pump only (read under _gate): the channels in the subscriber's set, which is what it
    // subscribes again after a reconnect.
    private readonly HashSet<string> _subscribed = new(StringComparer.Ordinal);
    // The pump runs on the thread that wakes it (up to its first wait for Redis): the SUBSCRIBE of a
    // lone waiter then goes out at once instead of after a hop to the thread pool.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, AllowSynchronousContinuations = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _pump;
    private RedisSubscriber? _subscriber;
    private Task _reader = Task.CompletedTask;
    private Task _watch = Task.CompletedTask;
    // Under _gate: subscription changes written and not yet confirmed (awaited on dispose).
    private readonly HashSet<Task> _inFlight = [];

    /// <param name="client">Runs the GETs and opens the subscriber connection (on first use).</param>
    /// <param name="layout">Key and channel names.</param>
    /// <param name="logger">Told about failed subscriptions and reconnect rechecks.</param>
    /// <param name="watchInterval">How often the subscriber connection is checked for a loss.</param>
    public ResultWaiters(RedisClient client, RedisLayout layout, ILogger logger, TimeSpan? watchInterval = null)
    {
        _client = client;
        _layout = layout;
        _logger = logger;
        _watchInterval = watchInterval ?? TimeSpan.FromMilliseconds(100);
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Channels subscribed for waiters right now (for tests).</summary>
    public int SubscribedCount
    {
        get
        {
            lock (_gate) return _subscribed.Count;
        }
    }

    /// <summary>
    /// For tests: raised with the task id once a waiter's subscription is confirmed and its GET
    /// found nothing ready, so from here only a published meta (or a recheck) can wake it.
    /// </summary>
    internal event Action<string>? Listening;

    /// <summary>
    /// For tests: raised after the reader handled a message on a waited channel, with the channel
    /// and whether that waiter is now ready (set before this is raised).
    /// </summary>
    internal event Action<string, bool>? MessageHandled;

    /// <summary>Waits until the task's meta is READY and returns it.</summary>
    public async ValueTask<ResultMeta> WaitAsync(string taskId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waited = Enter(taskId);
        try
        {
            await waited.Subscribed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            // Subscribed first, then one GET: a meta stored before the subscription is read here,
            // one stored after it is published to us (docs/protocol.md §4.3).
            // The pump reads the keys of a whole SUBSCRIBE at once (ReadOnceAsync); a waiter reads
            // its own only when that did not happen (joined an entry already live, or the read failed).
            if (!waited.Ready.Task.IsCompleted && !waited.Read)
            {
                var stored = await _client.ExecuteAsync(new RedisCommand("GET", waited.Channel), cancellationToken).ConfigureAwait(false);
                if (!stored.IsNull && MetaStatus.IsReady(stored.Bytes.Span)) waited.Ready.TrySetResult(stored.Bytes);
                else Listening?.Invoke(taskId);
            }
            else if (!waited.Ready.Task.IsCompleted) Listening?.Invoke(taskId);   // the pump's MGET found nothing ready
            var ready = await waited.Ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            // Each waiter parses its own copy: callers may change the JSON they get.
            return ResultMeta.Parse(ready.Span, taskId);
        }
        finally
        {
            Leave(waited);
        }
    }

    /// <summary>Stops the pump and the subscriber; waiters still waiting get <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        List<WaitedResult> left;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) return;
            _stopping.Cancel();
            left = [.. _waited.Values];
        }
        var disposed = new ObjectDisposedException(nameof(ResultWaiters), "The result backend was disposed while waiting for a result.");
        foreach (var waited in left)
        {
            waited.Subscribed.TrySetException(disposed);
            waited.Ready.TrySetException(disposed);
        }
        await _pump.ConfigureAwait(false);
        Task[] inFlight;
        lock (_gate) inFlight = [.. _inFlight];
        try
        {
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cut short by the stop; their waiters were told above.
        }
        await Task.WhenAll(_reader, _watch).ConfigureAwait(false);
        if (_subscriber is not null) await _subscriber.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private WaitedResult Enter(string taskId)
    {
        var channel = _layout.TaskMetaKey(taskId);
        WaitedResult? waited;
        var added = false;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (!_waited.TryGetValue(channel, out waited))
            {
                _waited[channel] = waited = new WaitedResult(taskId, channel);
                _dirty.Add(channel);
                added = true;
            }
            waited.Waiters++;
        }
        if (added) _wake.Writer.TryWrite(true); // outside the lock: the pump may run right here
        return waited;
    }

    private void Leave(WaitedResult waited)
    {
        lock (_gate)
        {
            if (--waited.Waiters > 0) return;
            _waited.Remove(waited.Channel);
            _dirty.Add(waited.Channel);
        }
        _wake.Writer.TryWrite(true);
    }

    // The one place subscriptions change: compares what is wanted with what is subscribed for the
    // channels that changed, and sends the difference.
    private async Task PumpAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                List<string> subscribe = [], unsubscribe = [];
                List<WaitedResult> alreadyLive = [];
                lock (_gate)
                {
                    foreach (var channel in _dirty)
                    {
                        var wanted = _waited.TryGetValue(channel, out var waited);
                        var live = _subscribed.Contains(channel);
                        if (wanted && !live) subscribe.Add(channel);
                        else if (wanted) alreadyLive.Add(waited!);
                        else if (live) unsubscribe.Add(channel);
                    }
                    _dirty.Clear();
                }
                foreach (var waited in alreadyLive) waited.Subscribed.TrySetResult();
                // Opened before anything is written, so every change goes down the same socket.
                if (subscribe.Count > 0 && !await TryOpenSubscriberAsync(subscribe, stopping).ConfigureAwait(false)) continue;
                // Written now, replies awaited elsewhere: one socket keeps them in this order, and a
                // new waiter's SUBSCRIBE never waits for the confirmation of the last one's
                // UNSUBSCRIBE (a sequential caller's every round trip would pay for it). New
                // waiters go first: they are the ones somebody is waiting on.
                lock (_gate) _inFlight.RemoveWhere(t => t.IsCompleted);
                foreach (var chunk in subscribe.Chunk(MaxChannelsPerCommand)) Track(SubscribeAsync(chunk, stopping));
                foreach (var chunk in unsubscribe.Chunk(MaxChannelsPerCommand)) Track(UnsubscribeAsync(chunk, stopping));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private void Track(Task change)
    {
        if (change.IsCompleted) return;
        lock (_gate) _inFlight.Add(change);
    }

    // Opening can fail (server down): the waiters of these channels hear why, as a failed SUBSCRIBE would tell them.
    private async Task<bool> TryOpenSubscriberAsync(List<string> channels, CancellationToken stopping)
    {
        try
        {
            await SubscriberAsync(stopping).ConfigureAwait(false);
            return true;
        }
        catch (Exception error) when (!stopping.IsCancellationRequested)
        {
            Tell(channels, error);
            return false;
        }
    }

    // The subscriber is open (TryOpenSubscriberAsync); the SUBSCRIBE is written before the first await.
    private async Task SubscribeAsync(string[] channels, CancellationToken stopping)
    {
        Exception? failure = null;
        try
        {
            // The subscriber adds them to its own set even when the send fails (and subscribes them
            // again on reconnect); mirror that, so a later leave unsubscribes them.
            lock (_gate) _subscribed.UnionWith(channels);
            await _subscriber!.SubscribeAsync(channels, stopping).ConfigureAwait(false);
            await ReadOnceAsync(channels, stopping).ConfigureAwait(false);
        }
        catch (Exception error) when (!stopping.IsCancellationRequested)
        {
            failure = error;
        }
        Tell(channels, failure);
    }

    // Subscribed first, then one read of every key of the SUBSCRIBE in one MGET (docs/protocol.md §4.3, in
    // bulk): a thousand waiters arriving together (a group's join) cost one round trip, not a
    // thousand GETs. A failed read is not the waiters' failure: each then reads its own key.
    private async Task ReadOnceAsync(string[] channels, CancellationToken stopping)
    {
        List<WaitedResult> entries = new(channels.Length);
        lock (_gate)
        {
            foreach (var channel in channels)
                if (_waited.TryGetValue(channel, out var waited) && !waited.Ready.Task.IsCompleted) entries.Add(waited);
        }
        if (entries.Count == 0) return;
        RespValue reply;
        try
        {
            reply = await _client.ExecuteAsync(new RedisCommand("MGET", entries.Select(w => (RedisArgument)w.Channel).ToArray()), stopping).ConfigureAwait(false);
        }
        catch (Exception error) when (!stopping.IsCancellationRequested)
        {
            _logger.LogDebug("Reading {Count} waited result(s) after subscribing failed, each waiter reads its own: {Reason}", entries.Count, error.Message);
            return;
        }
        var values = reply.AsArray();
        for (var i = 0; i < entries.Count; i++)
        {
            if (!values[i].IsNull && MetaStatus.IsReady(values[i].Bytes.Span)) entries[i].Ready.TrySetResult(values[i].Bytes);
            entries[i].Read = true;
        }
    }

    /// <summary>Tells the waiters of <paramref name="channels"/> that their subscription is live, or why it is not.</summary>
    private void Tell(IReadOnlyCollection<string> channels, Exception? failure)
    {
        if (failure is not null) _logger.LogWarning("Subscribing to {Count} result channel(s) failed: {Reason}", channels.Count, failure.Message);
        List<WaitedResult> told = new(channels.Count);
        lock (_gate)
        {
            foreach (var channel in channels)
                if (_waited.TryGetValue(channel, out var waited)) told.Add(waited);
        }
        // Outside the lock: a waiter's continuation (its GET) runs right here.
        foreach (var waited in told)
        {
            if (failure is null) waited.Subscribed.TrySetResult();
            else waited.Subscribed.TrySetException(failure);
        }
    }

    private async Task UnsubscribeAsync(string[] channels, CancellationToken stopping)
    {
        lock (_gate) _subscribed.ExceptWith(channels);
        if (_subscriber is null) return;
        try
        {
            await _subscriber.UnsubscribeAsync(channels, stopping).ConfigureAwait(false);
        }
        catch (Exception error) when (!stopping.IsCancellationRequested)
        {
            // Harmless: messages on a channel nobody waits for are dropped by the reader.
            _logger.LogDebug("Unsubscribing from {Count} result channel(s) failed: {Reason}", channels.Length, error.Message);
        }
    }

    // Opened on first use, so apps that never wait hold no subscriber connection.
    private async Task<RedisSubscriber> SubscriberAsync(CancellationToken stopping)
    {
        if (_subscriber is not null) return _subscriber;
        var subscriber = await _client.OpenSubscriberAsync(stopping, synchronousReader: true).ConfigureAwait(false);
        _subscriber = subscriber;
        _reader = Task.Run(() => ReadAsync(subscriber, stopping), CancellationToken.None);
        _watch = Task.Run(() => WatchAsync(subscriber, stopping), CancellationToken.None);
        return subscriber;
    }

    // Non-ready metas (STARTED, PROGRESS, RETRY) are published too; only a READY one wakes waiters.
    // Runs on the subscriber's socket loop (a synchronous reader), so it only looks up and hands
    // over: a waiter's continuation goes to the thread pool (Ready runs continuations asynchronously).
    private async Task ReadAsync(RedisSubscriber subscriber, CancellationToken stopping)
    {
        var messages = subscriber.Messages;
        try
        {
            while (await messages.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                while (messages.TryRead(out var message))
                {
                    WaitedResult? waited;
                    lock (_gate) _waited.TryGetValue(message.Channel, out waited);
                    if (waited is null || waited.Ready.Task.IsCompleted) continue;
                    if (MetaStatus.IsReady(message.Payload.Span)) waited.Ready.TrySetResult(message.Payload);
                    MessageHandled?.Invoke(message.Channel, waited.Ready.Task.IsCompleted);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    // The subscriber reconnects and resubscribes on its own, but what was published in between is
    // gone: after a loss, once it is connected again (its resubscribe runs before that), read every
    // waited key once more. Its Resubscribed event catches a loss and reconnect shorter than one
    // interval; the IsConnected poll catches the rest.
    private async Task WatchAsync(RedisSubscriber subscriber, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_watchInterval);
        var lost = false;
        var resubscribed = 0;
        void OnResubscribed() => Interlocked.Exchange(ref resubscribed, 1);
        subscriber.Resubscribed += OnResubscribed;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                if (!subscriber.IsConnected) lost = true;
                else if (lost | Interlocked.Exchange(ref resubscribed, 0) == 1) lost = !await RecheckAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            subscriber.Resubscribed -= OnResubscribed;
        }
    }

    private async Task<bool> RecheckAsync(CancellationToken stopping)
    {
        List<WaitedResult> pending;
        lock (_gate) pending = _waited.Values.Where(w => w.NeedsRecheck).ToList();
        _logger.LogInformation("Result subscriber reconnected; reading {Count} waited result(s) again", pending.Count);
        try
        {
            foreach (var chunk in pending.Chunk(MaxChannelsPerCommand))
            {
                var replies = await _client.ExecuteBatchAsync(chunk.Select(w => new RedisCommand("GET", w.Channel)).ToArray(), stopping).ConfigureAwait(false);
                for (var i = 0; i < chunk.Length; i++)
                {
                    var reply = replies[i];
                    if (!reply.IsError && !reply.IsNull && MetaStatus.IsReady(reply.Bytes.Span)) chunk[i].Ready.TrySetResult(reply.Bytes);
                }
            }
            return true;
        }
        catch (Exception error) when (!stopping.IsCancellationRequested)
        {
            _logger.LogWarning("Reading waited results after a reconnect failed, trying again: {Reason}", error.Message);
            return false;
        }
    }
}
