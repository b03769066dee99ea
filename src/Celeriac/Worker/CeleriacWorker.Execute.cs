using Celeriac.Diagnostics;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>Execution slots: each runs one reserved task at a time, with Celery's ack timing.</content>
public sealed partial class CeleriacWorker
{
    /// <summary>
    /// One execution slot. A fault the slot's loop does not handle (a bug, not a task's failure —
    /// those are outcomes) is logged and the loop starts afresh, so the worker keeps the
    /// concurrency it was configured with instead of silently losing a slot.
    /// </summary>
    private async Task SlotAsync()
    {
        while (true)
        {
            try
            {
                await SlotLoopAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                if (_taking.IsCancellationRequested) return;
                WorkerLog.SlotFailed(_log, ex, Hostname);
            }
        }
    }

    private async Task SlotLoopAsync()
    {
        var reader = _reserved.Reader;
        try
        {
            while (true)
            {
                // Between tasks: a loop the pool no longer needs (it shrank) leaves here, never mid-task.
                if (RetireSlot()) return;
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(SlotIdleToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Woken because the pool shrank: see whether this loop is surplus (or stopping).
                    if (_taking.IsCancellationRequested) return;
                    continue;
                }
                if (!more) return;
                if (_taking.IsCancellationRequested) return;
                if (!reader.TryRead(out var request)) continue;
                // Registered before it runs: a synchronous task body runs inline here and would
                // otherwise be invisible to Active and to shutdown until it returned.
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _running[request] = done.Task;
                if (_taking.IsCancellationRequested)
                {
                    // Stop began between the read and the registration, so shutdown may not wait
                    // for this one: give it back untouched instead of starting it.
                    _running.TryRemove(request, out _);
                    done.TrySetResult();
                    Restore(request);
                    return;
                }
                try
                {
                    SlotFaultForTests?.Invoke(request);
                    await RunAsync(request).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    Faulted(request, ex);
                }
                finally
                {
                    _running.TryRemove(request, out _);
                    _requests.Finished(request);
                    done.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException) when (_taking.IsCancellationRequested)
        {
        }
    }

    /// <summary>A test seam: throws inside a slot, where a bug in the worker's own code would.</summary>
    internal Action<TaskRequest>? SlotFaultForTests { get; set; }

    /// <summary>
    /// The worker's own code (not the task body, whose failures are outcomes) threw while handling
    /// <paramref name="request"/>: it is recorded FAILURE with that error so no waiter hangs, and
    /// its message, if still unsettled, is rejected rather than held forever or redelivered into
    /// the same fault.
    /// </summary>
    private void Faulted(TaskRequest request, Exception ex)
    {
        var message = request.Message;
        WorkerLog.FaultedInWorker(_log, ex, message.Task, message.Id);
        var unsettled = _held.ContainsKey(request.Delivery);
        var signal = new WorkerSignal(WorkerSignalKind.Completed, message.Id, TaskStates.Failure, ex.Message);
        try
        {
            var failed = TaskOutcome.Failure(ExceptionInfoFactory.From(ex), ExceptionInfoFactory.Traceback(ex), ex, TimeSpan.Zero);
            OutcomeEvent(message, failed);
            _app.Metrics.Finished(message, request.Delivery.Queue, failed);
            var meta = _app.Recorder.Failure(request.Task, message, ExceptionInfoFactory.From(ex), ExceptionInfoFactory.Traceback(ex), Scope(request.Delivery, CancellationToken.None));
            if (unsettled) _completer!.Settle(request.Delivery, SettleAction.Reject, meta, signal);
            else if (meta is not null) _completer!.Store(meta, signal);
            else _completer!.Signal(signal);
        }
        catch (Exception recording)
        {
            WorkerLog.FailureNotRecorded(_log, recording, message.Task, message.Id);
            if (unsettled) _completer!.Settle(request.Delivery, SettleAction.Reject, signal: signal);
        }
    }

    private async Task RunAsync(TaskRequest request)
    {
        var (delivery, message, task, acksLate, acksOnFailure) = (request.Delivery, request.Message, request.Task, request.AcksLate, request.AcksOnFailure);
        var completer = _completer!;
        var scope = RunScope(request);

        // Expiry and revokes are checked again right before running: an ETA or a queue wait may have outlived it.
        if (RevokeIfExpired(request) || RevokeIfRevoked(request)) return;
        TrackStarted(request);
        _app.Metrics.Started(message, delivery.Queue, _app.Options.TimeProvider);
        // The consumer span, parented on the message's trace context; current until the run and its canvas are carried on.
        using var span = Diagnostics.RunTracing.Start(_app, message, Hostname, delivery.Queue);

        // Early ack: just before execution (docs/protocol.md §5.2). A crash from here on loses the task,
        // which is Celery's default contract; acks_late moves the ack after the run.
        if (!acksLate) completer.Settle(delivery, SettleAction.Ack);
        // Started goes through the completer like every signal, so whoever sees it also sees the
        // early ack and the STARTED meta.
        var startedSignal = new WorkerSignal(WorkerSignalKind.Started, message.Id);
        if (_app.Recorder.Started(task, message, scope) is { } started) completer.Store(started, startedSignal);
        else completer.Signal(startedSignal);
        TaskEvents?.Send("task-started", Events.TaskEventBodies.Started(message.Id));

        var outcome = await _app.Executor.ExecuteAsync(task, message, scope).ConfigureAwait(false);
        // The cold stage of shutdown (or a terminate) may have abandoned this run and already given
        // its message back or recorded it lost (or revoked). Whoever takes the request out of _running first reports the outcome;
        // a body that ends after being abandoned must not also store a result or settle.
        if (!_running.TryRemove(request, out _))
        {
            // A terminated task ending as asked is expected (it is stored REVOKED already); one that
            // outlived shutdown's patience is worth a warning.
            WorkerLog.OutcomeDropped(_log, request.Termination.IsCancellationRequested ? LogLevel.Debug : LogLevel.Warning, message.Task, message.Id, outcome.Kind);
            return;
        }
        Interlocked.Increment(ref _processed);
        OutcomeEvent(message, outcome);
        _app.Metrics.Finished(message, delivery.Queue, outcome);
        switch (outcome.Kind)
        {
            case OutcomeKind.Interrupted when acksLate:
                // Shutdown cut the run short and nothing was acked: the message goes back to the queue.
                completer.Settle(delivery, SettleAction.Restore, signal: new WorkerSignal(WorkerSignalKind.Restored, message.Id));
                return;
            case OutcomeKind.Interrupted:
                // Lost as a failure (Celery's mark_as_failure): its chain, chord part and errbacks too.
                var lost = CeleryExceptions.WorkerLost($"Worker {Hostname} shut down before task {message.Id} finished").ToExceptionInfo();
                outcome = TaskOutcome.Failure(lost, null, null, outcome.Runtime);
                OutcomeEvent(message, outcome); // monitors see it failed, not started forever
                _app.Metrics.Finished(message, delivery.Queue, outcome);
                Finish(await CarriedAsync(_app.Recorder.Failure(task, message, lost, null, scope)).ConfigureAwait(false), TaskStates.Failure);
                return;
            case OutcomeKind.Failed:
                WorkerLog.Failed(_log, message.Task, message.Id, outcome.Error!.Type, outcome.Error.Message);
                Finish(await CarriedAsync(_app.Recorder.Finished(task, message, outcome, scope)).ConfigureAwait(false), TaskStates.Failure, acksOnFailure ? SettleAction.Ack : SettleAction.Reject);
                return;
            case OutcomeKind.Retried:
                // The retry message is already out; RETRY is stored after it, and (acks late) the original acked.
                WorkerLog.Retry(_log, message.Task, message.Id, outcome.Retry!.Retries, outcome.Retry.Eta);
                Finish(_app.Recorder.Retry(task, message, outcome, scope), TaskStates.Retry);
                return;
            case OutcomeKind.Rejected:
                // Early-acked messages are gone already: Reject changes nothing then (docs/protocol.md §5.2).
                Finish(null, TaskStates.Rejected, outcome.Requeue ? SettleAction.Requeue : SettleAction.Reject);
                return;
            case OutcomeKind.Ignored:
                Finish(null, TaskStates.Ignored);
                return;
            default:
                WorkerLog.Succeeded(_log, message.Task, message.Id, outcome.Runtime.TotalSeconds);
                Finish(await CarriedAsync(_app.Recorder.Finished(task, message, outcome, scope)).ConfigureAwait(false), TaskStates.Success);
                return;
        }

        // A canvas (callbacks, chain, chord, errbacks) is carried on around the store; the meta comes
        // back when it is still to be stored. Tasks without an embed skip it.
        ValueTask<ResultMeta?> CarriedAsync(ResultMeta? meta) =>
            message.Embed.IsEmpty ? new(meta) : _app.Continuation.CarryOnAsync(message, outcome, meta, scope);

        void Finish(ResultMeta? meta, string state, SettleAction lateAction = SettleAction.Ack)
        {
            meta?.ToUtf8Bytes(); // serialize here, in parallel slots, not on the completer's one thread
            var signal = new WorkerSignal(WorkerSignalKind.Completed, message.Id, state);
            Diagnostics.RunTracing.Finished(span, state, outcome);
            if (acksLate) completer.Settle(delivery, lateAction, meta, signal);
            else if (meta is not null) completer.Store(meta, signal);
            else completer.Signal(signal);
        }
    }
}
