using System.Diagnostics;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Worker;

namespace Celeriac.Diagnostics;

/// <summary>
/// The consumer side: a span <c>run/&lt;task&gt;</c> (<see cref="ActivityKind.Consumer"/>) around each
/// run in the worker — the body, then what the worker carries on for it (callbacks, the next chain
/// step, the chord part and body, errbacks) — whose parent is the context in the message's headers
/// (docs/interop.md, "Tracing"). It is <see cref="Activity.Current"/> while the run lasts, so every
/// publish the run makes is its child.
/// </summary>
internal static class RunTracing
{
    /// <summary>
    /// Starts the run's span, or returns null when nothing listens (or it is sampled out). Either
    /// way the run's context is the message's alone: whatever activity the worker's own flow
    /// carried (the one current when it was started) is dropped, so it is never propagated as a
    /// parent of what the run sends. Must be called from the run's async method, which restores
    /// the caller's <see cref="Activity.Current"/> when it returns.
    /// </summary>
    public static Activity? Start(CeleriacApp app, TaskMessage message, string hostname, string? queue)
    {
        if (Activity.Current is not null) Activity.Current = null;
        if (!TaskTracing.Source.HasListeners()) return null;
        var propagator = TaskTracing.Propagator(app);
        var parent = TraceHeaders.Extract(propagator, message.ExtraHeaders);
        var span = TaskTracing.Source.StartActivity(TaskTracing.RunPrefix + message.Task, ActivityKind.Consumer, parent);
        if (span is null) return null;
        Describe(span, app, message, hostname, queue);
        if (parent != default && TraceHeaders.ExtractBaggage(propagator, message.ExtraHeaders) is { } baggage)
            foreach (var (key, value) in baggage) span.AddBaggage(key, value);
        return span;
    }

    /// <summary>
    /// An eager run (<c>task_always_eager</c>): nothing is published, so the span is a child of the
    /// caller's current activity, as Python's instrumentation traces an eager <c>apply</c>.
    /// </summary>
    public static Activity? StartEager(CeleriacApp app, TaskMessage message, string hostname)
    {
        if (!TaskTracing.Source.HasListeners()) return null;
        var span = TaskTracing.Source.StartActivity(TaskTracing.RunPrefix + message.Task, ActivityKind.Consumer);
        if (span is not null) Describe(span, app, message, hostname, queue: null);
        return span;
    }

    private static void Describe(Activity span, CeleriacApp app, TaskMessage message, string hostname, string? queue)
    {
        if (span.IsAllDataRequested)
        {
            span.SetTag(TaskTracing.MessagingSystem, MessagingSystemName.Of(app.Options.BrokerUrl));
            span.SetTag(TaskTracing.OperationType, "process");
            span.SetTag(TaskTracing.OperationName, "run");
            if (queue is not null) span.SetTag(TaskTracing.DestinationName, queue);
            span.SetTag(TaskTracing.MessageId, message.Id);
            span.SetTag(TaskTracing.TaskName, message.Task);
            span.SetTag(TaskTracing.Retries, message.Retries);
            span.SetTag(TaskTracing.Hostname, hostname);
        }
    }

    /// <summary>An eager run's end: its state follows from the outcome, as nothing is stored for some.</summary>
    public static void Finished(Activity? span, TaskOutcome outcome)
    {
        if (span is null) return;
        Finished(span, outcome.Kind switch
        {
            OutcomeKind.Succeeded => TaskStates.Success,
            OutcomeKind.Retried => TaskStates.Retry,
            OutcomeKind.Rejected => TaskStates.Rejected,
            OutcomeKind.Ignored => TaskStates.Ignored,
            _ => TaskStates.Failure,
        }, outcome);
    }

    /// <summary>
    /// The run's final state (<c>celery.state</c>); a failure sets the span's status to
    /// <see cref="ActivityStatusCode.Error"/> with the error and records the exception.
    /// </summary>
    public static void Finished(Activity? span, string state, TaskOutcome outcome)
    {
        if (span is null) return;
        span.SetTag(TaskTracing.State, state);
        if (state != TaskStates.Failure) return;
        span.SetStatus(ActivityStatusCode.Error, outcome.Error is { } error ? $"{error.Type}: {error.Message}" : null);
        if (outcome.Exception is { } exception) span.AddException(exception);
    }
}
