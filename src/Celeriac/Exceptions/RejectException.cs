namespace Celeriac.Exceptions;

/// <summary>
/// Celery's <c>Reject</c>: the task refuses its message. With acks late the message is rejected, or
/// requeued when <see cref="Requeue"/> is true; with early acks it was already acked and nothing
/// changes. Nothing is stored (docs/protocol.md §5.2). Get one from <see cref="TaskContext.Reject"/>.
/// </summary>
public sealed class RejectException(bool requeue, string? reason = null)
    : CeleryException("Reject", CeleryExceptions.CeleryModule, reason ?? (requeue ? "rejected, requeue" : "rejected"))
{
    /// <summary>Put the message back on its queue instead of dropping it.</summary>
    public bool Requeue { get; } = requeue;
}
