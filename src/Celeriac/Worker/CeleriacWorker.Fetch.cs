using System.Runtime.CompilerServices;
using Celeriac.Diagnostics;
using Celeriac.Exceptions;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>The fetch loop: take only what the credit allows, sort out bad input, reserve the rest.</content>
public sealed partial class CeleriacWorker
{
    /// <summary>The fetch loop, started afresh (after a pause) should it ever fault, so the worker never stops fetching unseen.</summary>
    private async Task FetchAsync()
    {
        while (true)
        {
            try
            {
                await FetchLoopAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!_fetching.IsCancellationRequested)
            {
                WorkerLog.FetchLoopFailed(_log, ex, Hostname);
                try { await Task.Delay(TimeSpan.FromSeconds(1), _fetching.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task FetchLoopAsync()
    {
        var token = _fetching.Token;
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            int asked;
            EnterPhase(FetchPhase.WaitingForCredit);
            try
            {
                asked = await _credit.AcquireAsync(Options.MaxFetchBatch, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            IReadOnlyList<TransportDelivery> deliveries;
            EnterPhase(FetchPhase.Receiving);
            try
            {
                deliveries = await _consumer!.ReceiveAsync(asked, token).ConfigureAwait(false);
                failures = 0;
                FetchSucceeded();
                var since = _fetchOutage.Since;
                var failed = _fetchOutage.Recovered();
                if (failed > 0)
                    WorkerLog.FetchRecovered(_log, string.Join(",", ConsumingQueues), failed, since);
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
                FetchFailed(ex);
                var delay = TimeSpan.FromMilliseconds(Math.Min(10_000, 100 * Math.Pow(2, Math.Min(failures++, 7))));
                switch (_fetchOutage.Failed(_app.Options.TimeProvider.GetUtcNow()))
                {
                    case Diagnostics.OutageLogAction.First:
                        WorkerLog.FetchFailed(_log, ex, string.Join(",", ConsumingQueues), delay);
                        break;
                    case Diagnostics.OutageLogAction.Repeat:
                        WorkerLog.FetchStillFailing(_log, string.Join(",", ConsumingQueues), _fetchOutage.Failures, _fetchOutage.Since, ex.Message);
                        break;
                }
                try { await Task.Delay(delay, token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            if (deliveries.Count < asked) _credit.Release(asked - deliveries.Count);
            EnterPhase(FetchPhase.Dispatching);
            foreach (var delivery in deliveries)
            {
                try
                {
                    Dispatch(delivery);
                }
                catch (Exception ex)
                {
                    // A bug in reading one message must not stop the worker or strand the message.
                    WorkerLog.DispatchFailed(_log, ex, delivery.Queue);
                    if (!delivery.IsSettled) Reject(delivery, "dispatch failed: " + ex.Message, taskId: null);
                }
            }
        }
    }

    // Per-message hot path: compiled optimized at once. Tiered compilation would run it unoptimized,
    // then instrumented, through a worker's first seconds — most of a short drain.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            message = TaskMessageCodec.Decode(delivery.Message!, _accept, Options.MaxMessageSize);
        }
        catch (InvalidMessageException ex)
        {
            Reject(delivery, ex.Message, taskId: null);
            return;
        }

        var task = _app.Tasks.Find(message.Task);
        if (task is null)
        {
            // As Celery: log, store FAILURE NotRegistered, reject without requeue (docs/protocol.md §1.12).
            WorkerLog.Unregistered(_log, message.Task, message.Id, delivery.Queue, string.Join(", ", _app.Tasks.Names));
            var error = CeleryExceptions.NotRegistered(message.Task).ToExceptionInfo();
            var meta = _app.Recorder.Failure(null, message, error, null, Scope(delivery, CancellationToken.None));
            UnknownTaskEvent(message.Id, message.Task);
            _completer!.Settle(delivery, SettleAction.Reject, meta,
                new WorkerSignal(WorkerSignalKind.Rejected, message.Id, Protocol.Results.TaskStates.Failure, $"unregistered task '{message.Task}'"));
            return;
        }

        var acksLate = task.Options.AcksLate ?? _app.Options.AcksLate;
        var acksOnFailure = task.Options.AcksOnFailureOrTimeout ?? _app.Options.AcksOnFailureOrTimeout;
        var request = new TaskRequest(delivery, message, task, acksLate, acksOnFailure);
        if (_fetching.IsCancellationRequested)
        {
            // Stop began while this batch was being fetched: give the message back untouched.
            Restore(request);
            return;
        }
        // Expired already on receipt: not run, stored REVOKED (docs/protocol.md §5.4).
        if (RevokeIfExpired(request) || RevokeIfRevoked(request)) return;
        Signals.Raise(new WorkerSignal(WorkerSignalKind.Received, message.Id));
        _requests.Received(request);
        _app.Metrics.ReceivedTask(message, delivery.Queue);
        WorkerLog.Received(_log, message.Task, message.Id);
        TaskEvents?.Send("task-received", Events.TaskEventBodies.Received(message));

        // An ETA in the future waits without a slot and without counting against prefetch (docs/protocol.md §5.3).
        if (message.Eta is { } eta && eta > _app.Options.TimeProvider.GetUtcNow())
        {
            _credit.Park();
            if (!_etas.Add(request, eta))
            {
                _credit.Unpark();
                Restore(request);
            }
            return;
        }
        Admit(request);
    }

    /// <summary>An ETA came due: the request counts against prefetch again and goes on.</summary>
    private void EtaDue(TaskRequest request)
    {
        _credit.Unpark();
        try
        {
            if (RevokeIfRevoked(request)) return;
            Admit(request);
        }
        catch (Exception ex)
        {
            // On the alarm's thread: recorded failed and settled here, or it would be held forever.
            Faulted(request, ex);
        }
    }

    /// <summary>Past its ETA: through its task's rate limit (parked while over it), then to a slot.</summary>
    private void Admit(TaskRequest request)
    {
        if (_rates.TryHold(request))
        {
            _credit.Park();
            return;
        }
        ToSlot(request);
    }

    /// <summary>The rate limiter gave the request its token.</summary>
    private void RateReleased(TaskRequest request)
    {
        _credit.Unpark();
        if (RevokeIfRevoked(request)) return;
        ToSlot(request);
    }

    private void ToSlot(TaskRequest request)
    {
        if (!_reserved.Writer.TryWrite(request)) Restore(request);
    }

    private RateLimiting.RateLimit RateOf(string taskName)
    {
        if (_app.Options.WorkerDisableRateLimits) return RateLimiting.RateLimit.None;
        if (_remoteLimits.RateOf(taskName) is { } remote) return remote; // set by the rate_limit command
        return RateLimiting.RateLimit.Parse(_app.Tasks.Find(taskName)?.Options.RateLimit ?? _app.Options.DefaultRateLimit);
    }

    /// <summary>Revokes an expired request: REVOKED <c>TaskRevokedError("expired")</c>, message acked (docs/protocol.md §5.4).</summary>
    private bool RevokeIfExpired(TaskRequest request)
    {
        if (request.Message.Expires is not { } expires || expires > _app.Options.TimeProvider.GetUtcNow()) return false;
        WorkerLog.Expired(_log, request.Message.Task, request.Message.Id, expires);
        Revoke(request, "expired");
        TaskRevokedEvent(request, terminated: false, expired: true, signum: null);
        return true;
    }

    /// <summary>Stores REVOKED <c>TaskRevokedError(reason)</c> (expired, revoked, terminated) and acks the message (docs/protocol.md §5.4, §5.7).</summary>
    private void Revoke(TaskRequest request, string reason)
    {
        _app.Metrics.RevokedTask(request.Message, request.Delivery.Queue, reason);
        var scope = Scope(request.Delivery, CancellationToken.None);
        var meta = _app.Recorder.Revoked(request.Task, request.Message, reason, scope);
        var signal = new WorkerSignal(WorkerSignalKind.Completed, request.Message.Id, Protocol.Results.TaskStates.Revoked, reason);
        if (request.Message.Embed.Chord is null) _completer!.Settle(request.Delivery, SettleAction.Ack, meta, signal);
        else _background.Track(RevokeChordPartAsync(request, meta, scope, signal, reason), $"revoke ({reason}) of chord part {request.Message.Id}");
    }

    /// <summary>A revoked chord header part still counts in the join (Celery's <c>mark_as_revoked</c>); acked once joined.</summary>
    private async Task RevokeChordPartAsync(TaskRequest request, Protocol.Results.ResultMeta? meta, ExecutionScope scope, WorkerSignal signal, string reason)
    {
        try
        {
            await _app.Continuation.RevokedAsync(request.Message, meta, reason, scope).ConfigureAwait(false);
        }
        finally
        {
            // Revoked, so it never runs whatever the join did: acked even when the join failed (logged by the tracker).
            _completer!.Settle(request.Delivery, SettleAction.Ack, signal: signal);
        }
    }

    private void Restore(TaskRequest request) =>
        _completer!.Settle(request.Delivery, SettleAction.Restore, signal: new WorkerSignal(WorkerSignalKind.Restored, request.Message.Id));

    private void Reject(TransportDelivery delivery, string reason, string? taskId)
    {
        reason = FailureText.Cut(reason); // a reason may quote a value from the message, of any size
        WorkerLog.RejectedMessage(_log, delivery.Queue, delivery.DeliveryTag, reason);
        _completer!.Settle(delivery, SettleAction.Reject, signal: new WorkerSignal(WorkerSignalKind.Rejected, taskId, Reason: reason));
    }

    private ExecutionScope Scope(TransportDelivery delivery, CancellationToken cancellation) =>
        new(Hostname, delivery.Route, false, cancellation, _cancelTasks.Token, _completer);
}
