using System.Diagnostics;
using Celeriac.Exceptions;
using Celeriac.Protocol.Messages;
using Celeriac.Serialization;
using Celeriac.Tasks;

namespace Celeriac.Worker;

/// <summary>
/// Runs one task message: binds its arguments, calls the task with a <see cref="TaskContext"/>
/// under its time limits, and turns what happened into a <see cref="TaskOutcome"/> — success,
/// failure, retry (publishing the retry message), reject, ignore, or interrupted by shutdown.
/// The worker and eager mode both use it, so a task behaves the same in a test as in production.
/// </summary>
internal sealed class TaskExecutor(CeleriacApp app)
{
    private readonly Microsoft.Extensions.Logging.ILogger _log = app.Options.LoggerFactory.CreateLogger("Celeriac.Worker");
    // The factory a task's own ILogger comes from: the scope is begun there, so the task's lines carry it.
    private readonly Microsoft.Extensions.Logging.ILoggerFactory _taskLoggers = TaskLoggers.FactoryOf(app);
    private readonly Microsoft.Extensions.Logging.ILogger _scopeLog = TaskLoggers.FactoryOf(app).CreateLogger("Celeriac.Worker");

    public async ValueTask<TaskOutcome> ExecuteAsync(TaskDefinition task, TaskMessage message, ExecutionScope scope)
    {
        var clock = app.Options.TimeProvider;
        var (hard, soft) = Limits(task, message, scope.RemoteLimits);
        // An alarm, not the source's own timer: a peer may send a time_limit of months, past what one timer can wait.
        using var softLimit = soft is null ? null : new CancellationTokenSource();
        using var softAlarm = soft is { } s ? ClockAlarm.CancelAfter(softLimit!, s, clock, _log) : null;
        // Without limits or terminate (eager) the task's token is the worker's own: no sources to allocate per message.
        using var hardLimit = hard is null ? null : new CancellationTokenSource();
        using var token = softLimit is null && hardLimit is null && !scope.Terminate.CanBeCanceled
            ? null
            : CancellationTokenSource.CreateLinkedTokenSource([scope.Cancellation, scope.Terminate, softLimit?.Token ?? default, hardLimit?.Token ?? default]);
        var context = new TaskContext(app, message, scope.Hostname, scope.Queue, scope.IsEager, token?.Token ?? scope.Cancellation)
        {
            StatePort = scope.StatePort,
            Definition = task,
            SoftTimeLimit = soft,
            SoftLimitToken = softLimit?.Token ?? default,
        };
        // TaskId, TaskName, RootId (ParentId) on every line logged while the task runs; none without logging.
        using var logScope = Diagnostics.TaskLogScope.Begin(_taskLoggers, _scopeLog, message);
        var started = Stopwatch.GetTimestamp();
        TimeSpan Elapsed() => Stopwatch.GetElapsedTime(started);

        // With a hard limit the body runs on its own thread-pool item, so a synchronous body that
        // never yields cannot hold the slot past the limit: the slot is freed and the body abandoned.
        var run = hard is null ? InvokeAsync(task, context) : Task.Run(() => InvokeAsync(task, context));
        // A terminated run that ignores its token is abandoned the same way after its grace period.
        var cut = run.IsCompleted || (hard is null && !scope.Terminate.CanBeCanceled)
            ? Cut.None
            : await FinishesWithinAsync(run, hard, scope, clock, _log).ConfigureAwait(false);
        if (cut == Cut.HardLimit)
        {
            await hardLimit!.CancelAsync().ConfigureAwait(false);
            Abandon(run);
            var limit = CeleryExceptions.TimeLimitExceeded(hard!.Value.TotalSeconds);
            return TaskOutcome.Failure(limit.ToExceptionInfo(), null, limit, Elapsed());
        }
        if (cut == Cut.Terminated)
        {
            Abandon(run);
            return Terminated(Elapsed());
        }

        try
        {
            var value = await run.ConfigureAwait(false);
            return TaskOutcome.Success(CeleriacJson.ToNode(value, app.Options.Json), Elapsed());
        }
        catch (RetryException retry)
        {
            return await RetryAsync(message, scope, retry, Elapsed()).ConfigureAwait(false);
        }
        catch (RejectException reject)
        {
            return TaskOutcome.Reject(reject.Requeue, Elapsed());
        }
        catch (ReplaceException replace)
        {
            return await app.Continuation.ReplaceAsync(message, replace.Replacement, scope, Elapsed()).ConfigureAwait(false);
        }
        catch (IgnoreException)
        {
            return TaskOutcome.Ignore(Elapsed());
        }
        catch (OperationCanceledException ex) when (softLimit?.IsCancellationRequested == true)
        {
            var limit = CeleryExceptions.SoftTimeLimitExceeded(ex.Message);
            // Python raises SoftTimeLimitExceeded inside the task, so autoretry_for may list it.
            var raised = ex as SoftTimeLimitExceededException ?? new SoftTimeLimitExceededException(soft!.Value, ex.CancellationToken);
            if (ShouldAutoRetry(task, raised) && AutoRetry(task, message, context, limit) is { } retry)
                return await RetryAsync(message, scope, retry, Elapsed()).ConfigureAwait(false);
            return TaskOutcome.Failure(limit.ToExceptionInfo(), ExceptionInfoFactory.Traceback(ex), ex, Elapsed());
        }
        catch (OperationCanceledException) when (scope.ShutdownToken.IsCancellationRequested)
        {
            return TaskOutcome.Interrupt(Elapsed());
        }
        catch (OperationCanceledException) when (scope.Terminate.IsCancellationRequested)
        {
            return Terminated(Elapsed());
        }
        catch (Exception ex) when (ShouldAutoRetry(task, ex))
        {
            return AutoRetry(task, message, context, ex) is { } retry
                ? await RetryAsync(message, scope, retry, Elapsed()).ConfigureAwait(false)
                : Failed(ex, Elapsed());
        }
        catch (Exception ex)
        {
            return Failed(ex, Elapsed());
        }
    }

    /// <summary>Celery's autoretry: <c>retry(exc=exc)</c> with the backoff countdown; null past the maximum.</summary>
    private static RetryException? AutoRetry(TaskDefinition task, TaskMessage message, TaskContext context, Exception exc)
    {
        var countdown = task.Options.RetryBackoff.IsOn
            ? task.Options.RetryBackoff.Countdown(message.Retries, task.Options.RetryBackoffMax, task.Options.RetryJitter)
            : task.Options.DefaultRetryDelay;
        return context.Retry(exc, countdown) as RetryException;
    }

    /// <summary>
    /// A terminated run. The worker recorded it REVOKED when it terminated it and took it out of its
    /// running set, so it drops this outcome; it is a failure only so nothing would run it again.
    /// </summary>
    private static TaskOutcome Terminated(TimeSpan runtime)
    {
        var revoked = CeleryExceptions.TaskRevoked("terminated");
        return TaskOutcome.Failure(revoked.ToExceptionInfo(), null, revoked, runtime);
    }

    /// <summary>The body runs on and is left to end on its own: observed, never rethrown.</summary>
    private static void Abandon(Task run) => _ = run.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);

    private static TaskOutcome Failed(Exception ex, TimeSpan runtime) =>
        TaskOutcome.Failure(ExceptionInfoFactory.From(ex), ExceptionInfoFactory.Traceback(ex), ex, runtime);

    /// <summary>
    /// Effective limits: the message's <c>timelimit</c> header, else the task's, else the app's (docs/protocol.md §5.8),
    /// each element on its own. As Python's worker (<c>time_limit or task.time_limit</c>), a header value
    /// of 0 counts as not set.
    /// </summary>
    private (TimeSpan? Hard, TimeSpan? Soft) Limits(TaskDefinition task, TaskMessage message, RemoteTaskLimits? remote)
    {
        // The time_limit command replaces the task's own limits on this worker, as Celery's sets task.time_limit.
        var (taskHard, taskSoft) = remote?.TimeLimitsOf(task.Name) ?? (task.Options.TimeLimit, task.Options.SoftTimeLimit);
        var hard = message.TimeLimits.Hard is { } mh && mh > 0 ? Seconds(mh) : taskHard ?? app.Options.TaskTimeLimit;
        var soft = message.TimeLimits.Soft is { } ms && ms > 0 ? Seconds(ms) : taskSoft ?? app.Options.TaskSoftTimeLimit;
        return (hard > TimeSpan.Zero ? hard : null, soft > TimeSpan.Zero ? soft : null);
    }

    // A peer may send any float: one past TimeSpan's range (or infinite) is as good as no limit's end.
    private static TimeSpan Seconds(double seconds) =>
        seconds > TimeSpan.MaxValue.TotalSeconds / 2 || double.IsNaN(seconds) ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);

    private async Task<object?> InvokeAsync(TaskDefinition task, TaskContext context)
    {
        var previous = TaskContext.Current;
        TaskContext.SetCurrent(context);
        try
        {
            return await task.Invoker.InvokeAsync(context, app.Options.Json, app.Services).ConfigureAwait(false);
        }
        finally
        {
            TaskContext.SetCurrent(previous);
        }
    }

    private enum Cut { None, HardLimit, Terminated }

    /// <summary>
    /// Waits for the run, or its hard limit, or the end of the grace after a terminate, whichever
    /// comes first. A run that is never terminated costs one registration on its terminate token and
    /// no timer: the grace is timed only once a terminate comes, and nothing throws on the way.
    /// </summary>
    private static async Task<Cut> FinishesWithinAsync(Task run, TimeSpan? hard, ExecutionScope scope, TimeProvider clock, Microsoft.Extensions.Logging.ILogger log)
    {
        var terminated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onTerminate = scope.Terminate.CanBeCanceled
            ? scope.Terminate.Register(() => _ = GraceThenAsync(terminated, scope.TerminateGrace, clock, log))
            : default;
        using var stop = hard is null ? null : new CancellationTokenSource();
        var limit = hard is { } h ? ClockAlarm.DelayAsync(h, clock, log, stop!.Token) : null;
        var first = limit is null
            ? await Task.WhenAny(run, terminated.Task).ConfigureAwait(false)
            : await Task.WhenAny(run, limit, terminated.Task).ConfigureAwait(false);
        if (stop is not null) await stop.CancelAsync().ConfigureAwait(false);
        return first == run ? Cut.None : first == limit ? Cut.HardLimit : Cut.Terminated;
    }

    /// <summary>Gives a terminated body its grace period, then lets the executor abandon it.</summary>
    private static async Task GraceThenAsync(TaskCompletionSource terminated, TimeSpan grace, TimeProvider clock, Microsoft.Extensions.Logging.ILogger log)
    {
        await ClockAlarm.DelayAsync(grace, clock, log, CancellationToken.None).ConfigureAwait(false);
        terminated.TrySetResult();
    }

    /// <summary>autoretry_for matches (subclasses too), dont_autoretry_for does not; Retry/Reject/Ignore never autoretry.</summary>
    private static bool ShouldAutoRetry(TaskDefinition task, Exception ex) =>
        ex is not CeleryException { ExcModule: CeleryExceptions.CeleryModule } &&
        task.Options.AutoRetryFor.Any(t => t.IsInstanceOfType(ex)) &&
        !task.Options.DontAutoRetryFor.Any(t => t.IsInstanceOfType(ex));

    /// <summary>
    /// Publishes the retry (same id, retries + 1, the eta) before RETRY is stored, as Python does
    /// (docs/protocol.md §5.5). Eager runs re-run in place instead, so nothing is published.
    /// </summary>
    private async Task<TaskOutcome> RetryAsync(TaskMessage message, ExecutionScope scope, RetryException retry, TimeSpan runtime)
    {
        var next = app.Publisher.BuildRetry(message, retry);
        var cause = retry.InnerException is { } inner ? ExceptionInfoFactory.From(inner) : null;
        if (!scope.IsEager)
        {
            try
            {
                await app.Publisher.PublishAsync(next, RetryRoute(scope, next), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Python turns a failed retry publish into Reject(requeue=False); we also say why.
                return Failed(new InvalidOperationException($"Retry of task {message.Id} could not be published: {ex.Message}", ex), runtime);
            }
        }
        return TaskOutcome.Retrying(cause, retry.ToString(), next, runtime);
    }

    /// <summary>Delivered through the anonymous exchange: back to that queue; else the same exchange and key.</summary>
    private DeliveryInfo RetryRoute(ExecutionScope scope, TaskMessage next) =>
        scope.Route ?? app.Publisher.Route(next.Task, null, app.Tasks.Find(next.Task));
}
