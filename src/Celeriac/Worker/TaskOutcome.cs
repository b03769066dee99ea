using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Worker;

/// <summary>How one run of a task ended.</summary>
internal enum OutcomeKind
{
    /// <summary>Returned a value.</summary>
    Succeeded,
    /// <summary>Raised an exception, or hit a time limit.</summary>
    Failed,
    /// <summary>Asked to run again; the retry message is already published.</summary>
    Retried,
    /// <summary>Refused its message (<c>Reject</c>).</summary>
    Rejected,
    /// <summary>Ended without a state (<c>Ignore</c>).</summary>
    Ignored,
    /// <summary>Stopped because the worker is shutting down (not the task's fault).</summary>
    Interrupted,
}

/// <summary>The result of running a task once: what the completer stores and how it settles the message.</summary>
internal sealed record TaskOutcome(OutcomeKind Kind, JsonNode? Value, ExceptionInfo? Error, string? Traceback, Exception? Exception, TimeSpan Runtime)
{
    /// <summary>For <see cref="OutcomeKind.Rejected"/>: put the message back instead of dropping it.</summary>
    public bool Requeue { get; init; }

    /// <summary>For <see cref="OutcomeKind.Retried"/>: the retry as it was (or, eagerly, will be) sent.</summary>
    public Protocol.Messages.TaskMessage? Retry { get; init; }

    public static TaskOutcome Success(JsonNode? value, TimeSpan runtime) => new(OutcomeKind.Succeeded, value, null, null, null, runtime);

    public static TaskOutcome Failure(ExceptionInfo error, string? traceback, Exception? exception, TimeSpan runtime) =>
        new(OutcomeKind.Failed, null, error, traceback, exception, runtime);

    /// <summary>A retry: <paramref name="cause"/> is the exception passed to retry (stored as RETRY's result), if any.</summary>
    public static TaskOutcome Retrying(ExceptionInfo? cause, string traceback, Protocol.Messages.TaskMessage retry, TimeSpan runtime) =>
        new(OutcomeKind.Retried, null, cause, traceback, null, runtime) { Retry = retry };

    public static TaskOutcome Reject(bool requeue, TimeSpan runtime) => new(OutcomeKind.Rejected, null, null, null, null, runtime) { Requeue = requeue };

    public static TaskOutcome Ignore(TimeSpan runtime) => new(OutcomeKind.Ignored, null, null, null, null, runtime);

    public static TaskOutcome Interrupt(TimeSpan runtime) => new(OutcomeKind.Interrupted, null, null, null, null, runtime);
}
