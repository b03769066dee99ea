using Celeriac.Protocol.Results;

namespace Celeriac.Exceptions;

/// <summary>
/// Thrown by <see cref="AsyncResult.GetAsync"/> when the task failed or was revoked: carries the
/// stored exception's type, module, message and traceback, whichever language raised it.
/// </summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Creates the exception from a stored meta.</summary>
    public TaskFailedException(ResultMeta meta)
        : base(Describe(meta))
    {
        TaskId = meta.TaskId;
        State = meta.Status;
        var info = meta.Exception;
        ExceptionType = info?.Type ?? meta.Status;
        ExceptionModule = info?.Module;
        ExceptionMessage = info?.Message ?? "";
        RemoteTraceback = meta.Traceback;
    }

    /// <summary>The failed task's id.</summary>
    public string TaskId { get; }

    /// <summary>FAILURE or REVOKED.</summary>
    public string State { get; }

    /// <summary>Stored <c>exc_type</c>, e.g. <c>ValueError</c> or <c>InvalidOperationException</c>.</summary>
    public string ExceptionType { get; }

    /// <summary>Stored <c>exc_module</c>, e.g. <c>builtins</c> or <c>System</c>.</summary>
    public string? ExceptionModule { get; }

    /// <summary>The exception's message.</summary>
    public string ExceptionMessage { get; }

    /// <summary>The traceback text the worker stored (Python or .NET), if any.</summary>
    public string? RemoteTraceback { get; }

    private static string Describe(ResultMeta meta) =>
        meta.Exception is { } e ? $"Task {meta.TaskId} {meta.Status}: {e.Type}: {e.Message}" : $"Task {meta.TaskId} {meta.Status}";
}
