namespace Celeriac.Exceptions;

/// <summary>
/// The task's soft time limit passed. Its cancellation token fired; this is what
/// <see cref="TaskContext.ThrowIfCancellationRequested"/> throws then, and what is stored when the
/// task lets the cancellation escape (<c>SoftTimeLimitExceeded</c>, docs/protocol.md §5.8). A task may catch it,
/// clean up, and still return a value.
/// </summary>
public sealed class SoftTimeLimitExceededException(TimeSpan limit, CancellationToken token)
    : OperationCanceledException($"Soft time limit ({limit.TotalSeconds:0.###}s) exceeded", token)
{
    /// <summary>The limit that passed.</summary>
    public TimeSpan Limit { get; } = limit;
}
