using Celeriac.Diagnostics;
using Celeriac.Exceptions;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>Staged shutdown: nothing acked is lost, nothing unacked is dropped.</content>
public sealed partial class CeleriacWorker
{
    // Fired by a cold stop: ends the warm and soft waits at once.
    private readonly CancellationTokenSource _cold = new();

    /// <summary>
    /// Cold shutdown (Celery's second Ctrl+C): stops as <see cref="StopAsync"/> does, but without waiting for
    /// running tasks — their tokens are cancelled and their messages given back (acks-late) or recorded lost at once.
    /// </summary>
    internal Task StopColdAsync()
    {
        try
        {
            _cold.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed: the worker has stopped already.
        }
        return StopAsync();
    }

    private async Task StopCoreAsync(Task? starting)
    {
        // Stop after a start under way: its outcome decides whether there is anything to stop.
        if (starting is not null)
        {
            try { await starting.ConfigureAwait(false); }
            catch (Exception ex) { WorkerLog.StopAfterFailedStart(_log, ex); }
        }
        // The beat first (Celery stops it first too): its lease goes at once, so a replica takes over while this worker drains.
        await StopBeatAsync().ConfigureAwait(false);
        _app.Metrics.Untrack(this);
        if (_consumer is null || _completer is null) return;
        WorkerLog.Stopping(_log, Hostname);
        await StopControlAsync().ConfigureAwait(false);

        // 1. Stop fetching and stop starting reserved tasks.
        await _fetching.CancelAsync().ConfigureAwait(false);
        await _fetchLoop.ConfigureAwait(false);
        await _taking.CancelAsync().ConfigureAwait(false);
        StopPool();
        _reserved.Writer.TryComplete();

        // 2. Reserved but not started, waiting for an ETA or a rate-limit token: back to the front
        // of their queues. Each restore goes to the front, so the last reserved goes first and the
        // queue keeps its original order.
        var reserved = new List<TaskRequest>();
        foreach (var parked in _etas.Drain().Concat(_rates.Drain()))
        {
            _credit.Unpark();
            reserved.Add(parked);
        }
        while (_reserved.Reader.TryRead(out var request)) reserved.Add(request);
        for (var i = reserved.Count - 1; i >= 0; i--)
            _completer.Settle(reserved[i].Delivery, SettleAction.Restore, signal: new WorkerSignal(WorkerSignalKind.Restored, reserved[i].Message.Id));
        if (reserved.Count > 0) WorkerLog.RestoringReserved(_log, reserved.Count);

        // 3. Warm: let running tasks finish.
        var running = _running.Values.ToArray();
        if (!await WaitAsync(running, Options.ShutdownTimeout).ConfigureAwait(false))
        {
            // 4. Soft: cancel their tokens and give them a grace period to stop.
            WorkerLog.CancellingRunning(_log, _running.Count, Options.ShutdownTimeout);
            await _cancelTasks.CancelAsync().ConfigureAwait(false);
            if (!await WaitAsync(_running.Values.ToArray(), Options.CancelGracePeriod).ConfigureAwait(false))
            {
                // 5. Cold: tasks that ignore cancellation are abandoned; their unacked messages go back.
                foreach (var request in _running.Keys)
                {
                    // The run may be ending right now: only if shutdown takes it out of _running first
                    // is it shutdown's to give back (see RunAsync), so its outcome is reported once.
                    if (!_running.TryRemove(request, out _)) continue;
                    WorkerLog.Abandoning(_log, request.Message.Task, request.Message.Id);
                    if (request.AcksLate)
                    {
                        _completer.Settle(request.Delivery, SettleAction.Restore, signal: new WorkerSignal(WorkerSignalKind.Restored, request.Message.Id));
                        continue;
                    }
                    // Acked early, so it will not run again: record it lost as Celery does (docs/protocol.md §5.2),
                    // or its waiters would wait forever.
                    // As a failure (mark_as_failure), its canvas is carried on: chain steps failed, chord part added, errbacks sent.
                    var lost = CeleryExceptions.WorkerLost($"Worker {Hostname} shut down before task {request.Message.Id} finished").ToExceptionInfo();
                    OutcomeEvent(request.Message, TaskOutcome.Failure(lost, null, null, TimeSpan.Zero));
                    var scope = Scope(request.Delivery, CancellationToken.None);
                    var meta = _app.Recorder.Failure(request.Task, request.Message, lost, null, scope);
                    if (!request.Message.Embed.IsEmpty)
                        meta = await _app.Continuation.CarryOnAsync(request.Message, TaskOutcome.Failure(lost, null, null, TimeSpan.Zero), meta, scope).ConfigureAwait(false);
                    var signal = new WorkerSignal(WorkerSignalKind.Completed, request.Message.Id, Protocol.Results.TaskStates.Failure);
                    if (meta is not null) _completer.Store(meta, signal);
                    else _completer.Signal(signal);
                }
            }
        }
        await Task.WhenAll(_slots.Select(s => s.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);

        // Work started without being awaited (an expired chord part's revoke) settles through the
        // completer: it ends before the completer does.
        if (_background.Count > 0) WorkerLog.WaitingForBackground(_log, _background.Count);
        await _background.WhenIdleAsync().ConfigureAwait(false);

        // 6. Flush results and settlements, then close the consumer (it restores anything unsettled).
        await _completer.CompleteAsync().ConfigureAwait(false);
        await _consumer.DisposeAsync().ConfigureAwait(false);
        await StopEventsAsync().ConfigureAwait(false);
        WorkerLog.Stopped(_log, Hostname, Processed);
        Signals.Raise(new WorkerSignal(WorkerSignalKind.Stopped));
    }

    private async Task<bool> WaitAsync(Task[] tasks, TimeSpan timeout)
    {
        if (tasks.Length == 0) return true;
        if (_cold.IsCancellationRequested) return false;
        try
        {
            // Past what one timer can wait (≈ 49.7 days; TimeSpan.MaxValue, say) is as good as forever,
            // and must not throw halfway through a shutdown that still has messages to give back.
            var all = Task.WhenAll(tasks);
            await (timeout > ClockAlarm.MaxTimerWait ? all.WaitAsync(_cold.Token) : all.WaitAsync(timeout, _cold.Token)).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException) when (_cold.IsCancellationRequested)
        {
            return false;
        }
    }
}
