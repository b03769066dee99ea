using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Worker;

/// <summary>How one run of a task ended.</summary>
internal enum OutcomeKind
{
    /// <summary>Returned a value.</summary>
    Succeeded,
    /// <summary>Raised an exception.</summary>
    Failed,
    /// <summary>Stopped because the worker is shutting down (not the task's fault).</summary>
    Interrupted,
}

/// <summary>The result of running a task once: what the completer stores and how it settles the message.</summary>
internal sealed record TaskOutcome(OutcomeKind Kind, JsonNode? Value, ExceptionInfo? Error, string? Traceback, Exception? Exception, TimeSpan Runtime)
{
    public static TaskOutcome Success(JsonNode? value, TimeSpan runtime) => new(OutcomeKind.Succeeded, value, null, null, null, runtime);

    public static TaskOutcome Failure(ExceptionInfo error, string? traceback, Exception? exception, TimeSpan runtime) =>
        new(OutcomeKind.Failed, null, error, traceback, exception, runtime);

    public static TaskOutcome Interrupt(TimeSpan runtime) => new(OutcomeKind.Interrupted, null, null, null, null, runtime);
}
