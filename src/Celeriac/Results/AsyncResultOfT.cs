using Celeriac.Backends;

namespace Celeriac;

/// <summary>A typed handle on a task's result; <see cref="GetAsync"/> returns <typeparamref name="T"/>.</summary>
/// <typeparam name="T">What the task returns.</typeparam>
public sealed class AsyncResult<T> : AsyncResult
{
    internal AsyncResult(CeleriacApp app, string id, IResultBackend backend) : base(app, id, backend) { }

    /// <summary>Waits for the result; throws <see cref="Exceptions.TaskFailedException"/> when the task failed.</summary>
    public new Task<T> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GetAsync<T>(timeout, cancellationToken);
}
