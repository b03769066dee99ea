using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Celeriac.Protocol.Events;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Events;

/// <summary>
/// Sends Celery events (docs/protocol.md §6) to the <c>celeryev</c> exchange from a loop of its own:
/// <c>Send</c> only stamps the event (Lamport clock, time, offset) and queues it, so no task
/// ever waits on the broker. The loop takes what has queued up since it last woke and publishes it
/// in one pipelined round: <c>task-*</c> events as <c>task.multi</c> arrays of at most
/// <see cref="BatchSize"/>, other events one per message as Python sends them. While the broker is
/// unreachable the loop retries with a capped backoff and events wait in a buffer of
/// <see cref="Capacity"/>; past it the oldest not already handed to the broker are dropped and
/// counted (<see cref="Dropped"/>), so no event is both dropped and published.
/// </summary>
internal sealed class EventDispatcher : IAsyncDisposable
{
    /// <summary>The exchange events go to (Celery's <c>event_exchange</c> default).</summary>
    public const string Exchange = "celeryev";

    /// <summary>
    /// Events per <c>task.multi</c> message. Celery flushes its buffer at 24 or on each turn of its
    /// event loop, whichever comes first; we keep its 24 so a batch is never larger than one a
    /// Python worker sends (a receiver's or Flower's per-message work stays what it is used to), and
    /// win the round trips back by pipelining all of a round's batches instead.
    /// </summary>
    public const int BatchSize = 24;

    /// <summary>Events held while the broker is unreachable before the oldest are dropped.</summary>
    public const int DefaultCapacity = 10_000;

    // The most events one round takes; the rest wait for the next round.
    private const int RoundLimit = BatchSize * 64;
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly IBroadcast _broadcast;
    private readonly LamportClock _clock;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly JsonObject _headers;
    private readonly int _batch;
    private readonly int _pid = Environment.ProcessId;
    private readonly object _lock = new();
    // Oldest first. The loop's round (being published) stays at the front until it is out, so an
    // outage drops from it first: those are the oldest events.
    private readonly List<QueuedEvent> _pending = [];
    private readonly Channel<byte> _wake = Channel.CreateBounded<byte>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _inRound;
    private long _dropped;
    private long _published;
    private long _droppedReported;
    private bool _failing;
    private OffsetAt? _offset;

    /// <param name="broadcast">Where events are published.</param>
    /// <param name="hostname">The sender's node name.</param>
    /// <param name="clock">The process's Lamport clock.</param>
    /// <param name="time">Time for the events' timestamps and offsets.</param>
    /// <param name="log">Where outages and drops are logged.</param>
    /// <param name="batchTaskEvents">A worker batches <c>task-*</c> events as <c>task.multi</c>; a client sends its <c>task-sent</c> alone, as Python's does.</param>
    /// <param name="capacity">Events held at most while the broker cannot take them.</param>
    public EventDispatcher(IBroadcast broadcast, string hostname, LamportClock clock, TimeProvider time, ILogger log, bool batchTaskEvents = true, int capacity = DefaultCapacity)
    {
        _batch = batchTaskEvents ? BatchSize : 0;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _broadcast = broadcast;
        Hostname = hostname;
        _clock = clock;
        _time = time;
        _log = log;
        Capacity = capacity;
        _headers = new JsonObject { ["hostname"] = hostname };
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The sender's node name, in every event and in the message headers.</summary>
    public string Hostname { get; }

    /// <summary>Events held at most while they cannot be published.</summary>
    public int Capacity { get; }

    /// <summary>Events dropped because the buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events published.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Events waiting to be published, including a round being published now.</summary>
    public int Pending
    {
        get { lock (_lock) return _pending.Count; }
    }

    /// <summary>
    /// Stamps an event with the next Lamport clock value (docs/protocol.md §6.2) and the time, and
    /// queues it; never blocks and never throws for the broker's sake.
    /// </summary>
    // Hot path (three calls per task with task events on): compiled optimized at once, as the
    // worker's own per-message code is; tiered compilation would run it slow through a short drain.
    public void Send(string type, JsonObject fields) => Enqueue(type, fields, null);

    /// <summary>As <see cref="Send(string, JsonObject)"/>, with fields the loop writes when it serializes the event.</summary>
    public void Send(string type, EventBody body) => Enqueue(type, null, body);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Enqueue(string type, JsonObject? fields, EventBody? body)
    {
        var now = _time.GetUtcNow();
        var e = new QueuedEvent(type, UnixSeconds(now), CachedUtcOffset(now), _clock.Forward(), fields, body);
        var dropped = false;
        lock (_lock)
        {
            _pending.Add(e);
            if (_pending.Count > Capacity)
            {
                // The oldest event not already handed to the broker goes: one in the loop's round may be
                // published any moment (it cannot be called back), so dropping it would count an event
                // as dropped and publish it too. With every held event in the round, the new one goes.
                _pending.RemoveAt(Math.Min(_inRound, _pending.Count - 1));
                dropped = true;
            }
        }
        if (dropped && Interlocked.Increment(ref _dropped) - Interlocked.Read(ref _droppedReported) == 1)
            _log.LogWarning("Event buffer of {Hostname} full ({Capacity}): dropping the oldest events until the broker takes them again", Hostname, Capacity);
        _wake.Writer.TryWrite(0);
    }

    /// <summary>Python's <c>time.time()</c>: Unix seconds with the fraction.</summary>
    public static double UnixSeconds(DateTimeOffset now) => (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>Python's <c>utcoffset()</c> for the provider's local zone now: hours west of UTC, floored (docs/protocol.md §6.2).</summary>
    public static int UtcOffset(DateTimeOffset now, TimeProvider time) => CeleryEvent.LocalUtcOffset(TimeZoneInfo.ConvertTime(now, time.LocalTimeZone));

    // The zone's offset changes twice a year at most: looked up again once a minute, not per event.
    private int CachedUtcOffset(DateTimeOffset now)
    {
        var cached = Volatile.Read(ref _offset);
        if (cached is not null && now - cached.At < TimeSpan.FromMinutes(1) && now >= cached.At) return cached.Hours;
        var fresh = new OffsetAt(now, UtcOffset(now, _time));
        Volatile.Write(ref _offset, fresh);
        return fresh.Hours;
    }

    private sealed record OffsetAt(DateTimeOffset At, int Hours);

    /// <summary>Waits until every queued event is published, or <paramref name="timeout"/> passes; true when all went.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Pending > 0)
        {
            if (DateTime.UtcNow >= deadline || _loop.IsCompleted) return false;
            await Task.Delay(5).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>Flushes for at most <paramref name="timeout"/>, then stops the loop; what is left is dropped with a log line.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!await FlushAsync(timeout).ConfigureAwait(false))
            _log.LogWarning("{Count} event(s) of {Hostname} could not be published before stopping; dropped", Pending, Hostname);
        await _stop.CancelAsync().ConfigureAwait(false);
        _wake.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var failures = 0;
        try
        {
            while (await _wake.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                while (!_stop.IsCancellationRequested)
                {
                    List<QueuedEvent> round;
                    lock (_lock)
                    {
                        if (_pending.Count == 0) break;
                        _inRound = Math.Min(_pending.Count, RoundLimit);
                        round = _pending.GetRange(0, _inRound);
                    }
                    if (await TryPublishAsync(round).ConfigureAwait(false))
                    {
                        lock (_lock)
                        {
                            _pending.RemoveRange(0, _inRound);
                            _inRound = 0;
                        }
                        Interlocked.Add(ref _published, round.Count);
                        if (failures > 0 || _failing) Recovered();
                        failures = 0;
                        continue;
                    }
                    lock (_lock) _inRound = 0;
                    var delay = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures++, 6))));
                    await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryPublishAsync(List<QueuedEvent> round)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(PublishTimeout);
            var sends = new List<Task>();
            foreach (var (routingKey, body) in EventWire.Messages(round, _batch, Hostname, _pid))
                sends.Add(_broadcast.PublishAsync(Exchange, routingKey, Message(body), timeout.Token).AsTask());
            await Task.WhenAll(sends).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested || ex is not OperationCanceledException)
        {
            if (!_failing)
            {
                _failing = true;
                _log.LogWarning(ex, "Events of {Hostname} could not be published; holding up to {Capacity} and retrying", Hostname, Capacity);
            }
            else _log.LogDebug(ex, "Publishing events of {Hostname} failed again", Hostname);
            return false;
        }
    }

    private void Recovered()
    {
        _failing = false;
        var dropped = Dropped;
        var since = dropped - Interlocked.Exchange(ref _droppedReported, dropped);
        _log.LogInformation("Events of {Hostname} are published again; {Dropped} dropped meanwhile ({Total} in all)", Hostname, since, dropped);
    }

    private BrokerMessage Message(byte[] body) =>
        new((JsonObject)_headers.DeepClone(), new MessageProperties { DeliveryMode = 1 }, body);
}
