namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// What ingestion has done, for /metrics and /healthcheck: counters only grow; the rest are the latest values.
/// Written by the ingestion loops, read from any thread.
/// </summary>
internal sealed class IngestionStats(TimeProvider time)
{
    private long _eventsIngested, _batches, _dropped, _malformed, _batchFailures, _enriched, _enrichmentSkipped;
    private long _newestEventTicks, _lastBatchTicks;
    private volatile bool _brokerConnected, _storeFailing;

    public IngestionStats() : this(TimeProvider.System) { }

    /// <summary>Every event received, by worker, type and task: /metrics' <c>flower_events_total</c>.</summary>
    public Fleet.EventCounts Events { get; } = new();

    /// <summary>Events written to the store.</summary>
    public long EventsIngested => Interlocked.Read(ref _eventsIngested);

    /// <summary>Batches written.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Events lost: the buffer was full (the store was failing or slower than the broker) or the dashboard stopped before it could write them.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events skipped because they could not be read (no task id, no time, an unreadable field).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Batch writes that failed (and were retried).</summary>
    public long BatchFailures => Interlocked.Read(ref _batchFailures);

    /// <summary>Tasks whose fuller payloads were read from the result backend and stored.</summary>
    public long Enriched => Interlocked.Read(ref _enriched);

    /// <summary>Finished tasks not looked up in the result backend (its queue was full, or the lookup failed).</summary>
    public long EnrichmentSkipped => Interlocked.Read(ref _enrichmentSkipped);

    /// <summary>The newest event time written (the sender's clock), or null before the first.</summary>
    public DateTimeOffset? NewestEvent => Read(ref _newestEventTicks);

    /// <summary>When the last batch was written, or null before the first.</summary>
    public DateTimeOffset? LastBatch => Read(ref _lastBatchTicks);

    /// <summary>How far the store is behind: now − <see cref="NewestEvent"/> (grows while the cluster is quiet too), or null before the first event.</summary>
    public TimeSpan? Lag => NewestEvent is { } newest ? time.GetUtcNow() - newest : null;

    /// <summary>The event subscription is open and the last broadcast to the workers went out.</summary>
    public bool BrokerConnected { get => _brokerConnected; set => _brokerConnected = value; }

    /// <summary>The last batch write failed and is being retried.</summary>
    public bool StoreFailing { get => _storeFailing; set => _storeFailing = value; }

    public void BatchWritten(int events, DateTimeOffset newest)
    {
        Interlocked.Add(ref _eventsIngested, events);
        Interlocked.Increment(ref _batches);
        var ticks = newest.UtcTicks;
        for (var seen = Interlocked.Read(ref _newestEventTicks); ticks > seen;)
        {
            var was = Interlocked.CompareExchange(ref _newestEventTicks, ticks, seen);
            if (was == seen) break;
            seen = was;
        }
        Interlocked.Exchange(ref _lastBatchTicks, time.GetUtcNow().UtcTicks);
    }

    public void AddDropped(long events) => Interlocked.Add(ref _dropped, events);

    public void AddMalformed() => Interlocked.Increment(ref _malformed);

    public void AddBatchFailure() => Interlocked.Increment(ref _batchFailures);

    public void AddEnriched(int tasks) => Interlocked.Add(ref _enriched, tasks);

    public void AddEnrichmentSkipped(int tasks) => Interlocked.Add(ref _enrichmentSkipped, tasks);

    private static DateTimeOffset? Read(ref long ticks) =>
        Interlocked.Read(ref ticks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;
}
