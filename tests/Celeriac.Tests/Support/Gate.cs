namespace Celeriac.Tests.Support;

/// <summary>A one-shot signal between a test and a task body: the task awaits it, the test opens it.</summary>
internal sealed class Gate
{
    private readonly TaskCompletionSource _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => _tcs.Task;

    public bool IsOpen => _tcs.Task.IsCompleted;

    public void Open() => _tcs.TrySetResult();

    /// <summary>Waits for the gate, failing clearly if the test never opens it (a bug in the test, not a hang).</summary>
    public Task WaitAsync(CancellationToken cancellationToken = default) =>
        _tcs.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);

    /// <summary>Blocks a synchronous task body until the gate opens.</summary>
    public void Wait()
    {
        if (!_tcs.Task.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("gate never opened");
    }
}
