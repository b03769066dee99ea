using Celeriac.Exceptions;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>The fetch loop: take only what the credit allows, sort out bad input, reserve the rest.</content>
public sealed partial class CeleriacWorker
{
    private async Task FetchLoopAsync()
    {
        var token = _fetching.Token;
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _credit.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var asked = 1;
            while (asked < Options.MaxFetchBatch && _credit.Wait(0)) asked++;

            IReadOnlyList<TransportDelivery> deliveries;
            try
            {
                deliveries = await _consumer!.ReceiveAsync(asked, token).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                _credit.Release(asked);
                return;
            }
            catch (Exception ex)
            {
                // The broker went away: keep the worker alive and retry with capped backoff.
                _credit.Release(asked);
                var delay = TimeSpan.FromMilliseconds(Math.Min(10_000, 100 * Math.Pow(2, Math.Min(failures++, 7))));
                _log.LogError(ex, "Fetching from {Queues} failed; retrying in {Delay}", string.Join(",", Options.Queues), delay);
                try { await Task.Delay(delay, token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            if (deliveries.Count < asked) _credit.Release(asked - deliveries.Count);
            foreach (var delivery in deliveries)
            {
                try
                {
                    Dispatch(delivery);
                }
                catch (Exception ex)
                {
                    // A bug in reading one message must not stop the worker or strand the message.
                    _log.LogError(ex, "Could not dispatch a message from {Queue}", delivery.Queue);
                    if (!delivery.IsSettled) Reject(delivery, "dispatch failed: " + ex.Message, taskId: null);
                }
            }
        }
    }

    private void Dispatch(TransportDelivery delivery)
    {
        _held[delivery] = 0;
        if (delivery.Malformed is { } malformed)
        {
            Reject(delivery, malformed.Message, taskId: null);
            return;
        }

        TaskMessage message;
        try
        {
            message = TaskMessageCodec.Decode(delivery.Message!, _accept);
        }
        catch (InvalidMessageException ex)
        {
            Reject(delivery, ex.Message, taskId: null);
            return;
        }

        var task = _app.Tasks.Find(message.Task);
        if (task is null)
        {
            // As Celery: log, store FAILURE NotRegistered, reject without requeue (SPEC §1.12).
            _log.LogError("Received unregistered task '{Task}' (id {TaskId}) from {Queue}; rejected. Registered: {Known}",
                message.Task, message.Id, delivery.Queue, string.Join(", ", _app.Tasks.Names));
            var error = CeleryExceptions.NotRegistered(message.Task).ToExceptionInfo();
            var meta = _app.Recorder.Failure(null, message, error, null, Scope(delivery, CancellationToken.None));
            _completer!.Settle(delivery, SettleAction.Reject, meta,
                new WorkerSignal(WorkerSignalKind.Rejected, message.Id, Protocol.Results.TaskStates.Failure, $"unregistered task '{message.Task}'"));
            return;
        }

        var acksLate = task.Options.AcksLate ?? _app.Options.AcksLate;
        var acksOnFailure = task.Options.AcksOnFailureOrTimeout ?? _app.Options.AcksOnFailureOrTimeout;
        if (!_reserved.Writer.TryWrite(new TaskRequest(delivery, message, task, acksLate, acksOnFailure)))
        {
            // Stop began while this batch was being fetched: give the message back untouched.
            _completer!.Settle(delivery, SettleAction.Restore, signal: new WorkerSignal(WorkerSignalKind.Restored, message.Id));
            return;
        }
        Signals.Raise(new WorkerSignal(WorkerSignalKind.Received, message.Id));
    }

    private void Reject(TransportDelivery delivery, string reason, string? taskId)
    {
        _log.LogWarning("Rejected a message from {Queue} (tag {Tag}): {Reason}", delivery.Queue, delivery.DeliveryTag, reason);
        _completer!.Settle(delivery, SettleAction.Reject, signal: new WorkerSignal(WorkerSignalKind.Rejected, taskId, Reason: reason));
    }

    private ExecutionScope Scope(TransportDelivery delivery, CancellationToken cancellation) =>
        new(Hostname, delivery.Route.RoutingKey, false, cancellation, _cancelTasks.Token, _completer);
}
