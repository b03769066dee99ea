namespace Celeriac.Exceptions;

/// <summary>
/// Celery's <c>Ignore</c>: the task ends without a state being stored; its message is acked.
/// Get one from <see cref="TaskContext.Ignore"/>.
/// </summary>
public sealed class IgnoreException(string? reason = null)
    : CeleryException("Ignore", CeleryExceptions.CeleryModule, reason ?? "ignored");
