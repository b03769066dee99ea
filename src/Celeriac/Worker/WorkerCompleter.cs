using System.Threading.Channels;
using Celeriac.Backends;
using Celeriac.Protocol.Results;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <summary>
/// Writes results and settles deliveries in batches: everything queued while the previous batch
/// was in flight goes in the next one, so a busy worker makes few round trips per task. Within a
/// batch metas are stored before deliveries are settled; the next batch's metas may be stored
/// while this one settles. Signals are raised once both are done, in batch order.
/// </summary>
internal sealed class WorkerCompleter : IResultStorePort
{
    private const int MaxBatch = 512;
    private readonly Channel<CompletionItem> _items = Channel.CreateUnbounded<CompletionItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IResultBackend _backend;
    private readonly ITransportConsumer _consumer;
    private readonly Action<TransportDelivery> _released;
    private readonly WorkerSignals _signals;
    private readonly ILogger _log;
    private readonly Task _loop;
    private int _pending;

    /// <summary>Items queued and not yet flushed (stored, settled, signalled).</summary>
    public int Pending => Volatile.Read(ref _pending);

    private readonly Diagnostics.CeleriacMetrics? _metrics;

    public WorkerCompleter(IResultBackend backend, ITransportConsumer consumer, Action<TransportDelivery> released, WorkerSignals signals, ILogger log,
        Diagnostics.CeleriacMetrics? metrics = null)
    {
        _metrics = metrics;
        _backend = backend;
        _consumer = consumer;
        _released = released;
        _signals = signals;
        _log = log;
        _loop = Task.Run(RunAsync);
    }

    public void Store(ResultMeta meta, WorkerSignal? signal = null) => Enqueue(new CompletionItem(meta, null, default, signal));

    /// <summary>
    /// Queues a settlement. The delivery's prefetch credit comes back now, not after the broker
    /// round trip: the worker is done holding it, and waiting for the ack's reply would stall
    /// fetching behind every batch (kombu likewise counts a message as acked when ack is called).
    /// </summary>
    public void Settle(TransportDelivery delivery, SettleAction action, ResultMeta? meta = null, WorkerSignal? signal = null)
    {
        if (action == SettleAction.Reject) delivery.RejectReason ??= RejectReason(delivery, signal);
        Enqueue(new CompletionItem(meta, delivery, action, signal));
        _released(delivery);
    }

    // Rare (a reject), so composed here rather than carried by every settlement.
    private static string RejectReason(TransportDelivery delivery, WorkerSignal? signal) =>
        delivery.Malformed?.Message ?? signal?.Reason ?? signal?.State switch
        {
            TaskStates.Rejected => "the task rejected the message (Reject, requeue false)",
            TaskStates.Failure => "the task failed and task_acks_on_failure_or_timeout is off",
            { } state => "rejected in state " + state,
            null => "rejected",
        };

    public void Signal(WorkerSignal signal) => Enqueue(new CompletionItem(null, null, default, signal));

    /// <summary>
    /// Stores a state the task reported itself and waits until it is visible; throws what the
    /// backend threw when it could not be stored, as Celery's <c>update_state</c> raises.
    /// </summary>
    public async ValueTask StoreStateAsync(ResultMeta meta, CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new CompletionItem(meta, null, default, null, flushed));
        await flushed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Processes what is queued, then stops.</summary>
    public async Task CompleteAsync()
    {
        _items.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private void Enqueue(CompletionItem item)
    {
        Interlocked.Increment(ref _pending);
        if (_items.Writer.TryWrite(item)) return;
        Interlocked.Decrement(ref _pending);
        _log.LogWarning("Completer already stopped; dropped {Kind} for task {TaskId}", item.Delivery is null ? "state" : item.Action.ToString(), item.Meta?.TaskId);
        // A task abandoned at shutdown that reports state later must not wait for a flush that never comes.
        item.Flushed?.TrySetException(new InvalidOperationException($"The worker has stopped; state {item.Meta?.Status} of task {item.Meta?.TaskId} was not stored."));
    }

    // One batch's settlements may still be on the wire while the next batch's metas are stored:
    // a result then never waits behind the round trip of an ack queued just before it (the early
    // ack of its own task, typically). Stores and settles each keep their order (one connection
    // each, and a batch settles only after the previous one has), a batch settles only after its
    // own metas are stored, and signals are raised batch by batch once both are done.
    private async Task RunAsync()
    {
        var settling = Task.CompletedTask;
        while (await _items.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<CompletionItem>();
            while (batch.Count < MaxBatch && _items.Reader.TryRead(out var item)) batch.Add(item);
            List<ResultMeta>? metas = null;
            List<Settlement>? settlements = null;
            foreach (var item in batch)
            {
                if (item.Meta is not null) (metas ??= []).Add(item.Meta);
                if (item.Delivery is not null) (settlements ??= []).Add(new Settlement(item.Delivery, item.Action));
            }
            var storeFailure = metas is null ? null : await StoreAsync(metas).ConfigureAwait(false);
            await settling.ConfigureAwait(false);
            settling = SettleAsync(batch, settlements, storeFailure);
        }
        await settling.ConfigureAwait(false);
    }

    /// <summary>Stores a batch's metas; returns what the backend threw, or null.</summary>
    private async Task<Exception?> StoreAsync(List<ResultMeta> metas)
    {
        try
        {
            var started = _metrics is null ? 0 : Diagnostics.CeleriacMetrics.Start(_metrics.BackendDuration);
            await _backend.StoreAsync(metas).ConfigureAwait(false);
            _metrics?.BackendCall("store", started);
            return null;
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Storing {Count} result(s) failed; the tasks ran but their results are lost", metas.Count);
            return ex;
        }
    }

    private async Task SettleAsync(List<CompletionItem> batch, List<Settlement>? settlements, Exception? storeFailure)
    {
        if (settlements is not null)
        {
            try
            {
                await _consumer.SettleAsync(settlements).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The broker will redeliver what was not settled (visibility timeout / channel close).
                _log.LogError(ex, "Settling {Count} message(s) failed; the broker will redeliver them", settlements.Count);
            }
        }
        foreach (var item in batch)
        {
            // A state the task stored itself: it learns whether the store worked (one batch, one write).
            if (storeFailure is null) item.Flushed?.TrySetResult();
            else item.Flushed?.TrySetException(storeFailure);
            if (item.Signal is not null) _signals.Raise(item.Signal);
        }
        Interlocked.Add(ref _pending, -batch.Count);
    }
}
