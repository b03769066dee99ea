using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Control.Mailbox;

/// <summary>
/// The task requests a worker holds, for <c>active</c>, <c>reserved</c>, <c>scheduled</c>,
/// <c>query_task</c> and <c>stats</c> (Celery's <c>worker.state</c>): received until they finish, or
/// until their message is settled without running (revoked, expired, rejected, given back). Also
/// the per-task-name count of tasks started (Celery's <c>total_count</c>, counted on accept).
/// One dictionary write per received task and a lookup per start and settle: cheap on the task path.
/// </summary>
internal sealed class TrackedRequests
{
    private readonly ConcurrentDictionary<TransportDelivery, TrackedRequest> _held = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, StrongBox<long>> _totals = new(StringComparer.Ordinal);
    private long _sequence;
    private long _accepted;

    /// <summary>Requests that began running since start: what Celery's heartbeats report as <c>processed</c> (its <c>task_accepted</c> count).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>A valid request was reserved (it may wait for its ETA or a rate-limit token first).</summary>
    public void Received(TaskRequest request) =>
        _held[request.Delivery] = new TrackedRequest(request, Interlocked.Increment(ref _sequence));

    /// <summary>The request begins running now (Unix seconds); counts towards <c>total</c>.</summary>
    public void Started(TaskRequest request, double unixTime)
    {
        var tracked = _held.GetOrAdd(request.Delivery, static (_, r) => new TrackedRequest(r, 0), request);
        tracked.Start(unixTime);
        var total = _totals.GetOrAdd(request.Message.DisplayName, static _ => new StrongBox<long>());
        Interlocked.Increment(ref total.Value);
        Interlocked.Increment(ref _accepted);
    }

    /// <summary>Its message was settled: one that never started leaves (a running one stays until it ends).</summary>
    public void Settled(TransportDelivery delivery)
    {
        if (_held.TryGetValue(delivery, out var tracked) && !tracked.IsActive) _held.TryRemove(delivery, out _);
    }

    /// <summary>The request's run ended (or its slot gave it back).</summary>
    public void Finished(TaskRequest request) => _held.TryRemove(request.Delivery, out _);

    /// <summary>Everything held now, in the order received.</summary>
    public IReadOnlyList<TrackedRequest> Snapshot() => _held.Values.OrderBy(t => t.Sequence).ToList();

    /// <summary>Tasks started per task name (shadow name when the message has one).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Totals() =>
        _totals.Select(kv => KeyValuePair.Create(kv.Key, Interlocked.Read(ref kv.Value.Value))).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
}

/// <summary>One held request: running or not, and since when.</summary>
internal sealed class TrackedRequest(TaskRequest request, long sequence)
{
    private double _timeStart = double.NaN;
    private volatile bool _active;

    public TaskRequest Request { get; } = request;

    public long Sequence { get; } = sequence;

    /// <summary>True once a slot runs it.</summary>
    public bool IsActive => _active;

    /// <summary>When it began running (Unix seconds), or null.</summary>
    public double? TimeStart => _active ? Volatile.Read(ref _timeStart) : null;

    public void Start(double unixTime)
    {
        Volatile.Write(ref _timeStart, unixTime);
        _active = true;
    }
}
