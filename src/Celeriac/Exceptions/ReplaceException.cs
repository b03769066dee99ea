using Celeriac.Canvas;

namespace Celeriac.Exceptions;

/// <summary>
/// Celery's <c>Task.replace</c>: the task ends and <see cref="Replacement"/> runs in its place under
/// its id, with its callbacks, errbacks, chain and chord. The worker sends the replacement and then
/// treats the run like <c>Ignore</c> (nothing is stored for it). Get one from
/// <see cref="TaskContext.Replace"/>.
/// </summary>
public sealed class ReplaceException : CeleryException
{
    internal ReplaceException(Signature replacement)
        : base("Ignore", CeleryExceptions.CeleryModule, "Replaced by new task")
    {
        Replacement = replacement;
    }

    /// <summary>The replacement as it will be sent: frozen with the task's id and carrying its canvas.</summary>
    public Signature Replacement { get; }
}
