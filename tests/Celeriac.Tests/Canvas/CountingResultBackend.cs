using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// A result backend that counts what its callers ask of it — each call one round trip on a remote
/// store — and tells a test when a number of waits are under way.
/// </summary>
internal sealed class CountingResultBackend(IResultBackend inner) : IResultBackend
{
    private int _gets, _batchGets, _waits;
    private (int Count, TaskCompletionSource Reached)? _waitSignal;

    /// <summary>Single reads (<see cref="GetAsync"/>).</summary>
    public int Gets => Volatile.Read(ref _gets);

    /// <summary>Batch reads (<see cref="GetManyAsync"/>).</summary>
    public int BatchGets => Volatile.Read(ref _batchGets);

    /// <summary>Waits started (<see cref="WaitForReadyAsync"/>).</summary>
    public int Waits => Volatile.Read(ref _waits);

    /// <summary>Reads of either kind: what a round-trip bound counts.</summary>
    public int Reads => Gets + BatchGets;

    /// <summary>Completes once <paramref name="count"/> waits have started (counted from now).</summary>
    public Task WaitsStarted(int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waitSignal = (Waits + count, reached);
        return reached.Task;
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _gets, 0);
        Interlocked.Exchange(ref _batchGets, 0);
        Interlocked.Exchange(ref _waits, 0);
    }

    public ValueTask StoreAsync(IReadOnlyList<ResultMeta> results, CancellationToken cancellationToken = default) => inner.StoreAsync(results, cancellationToken);

    public ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _gets);
        return inner.GetAsync(taskId, cancellationToken);
    }

    public ValueTask<IReadOnlyList<ResultMeta>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _batchGets);
        return inner.GetManyAsync(taskIds, cancellationToken);
    }

    public ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken)
    {
        var waits = Interlocked.Increment(ref _waits);
        var wait = inner.WaitForReadyAsync(taskId, cancellationToken);
        if (_waitSignal is { } signal && waits >= signal.Count) signal.Reached.TrySetResult();
        return wait;
    }

    public ValueTask ForgetAsync(string taskId, CancellationToken cancellationToken = default) => inner.ForgetAsync(taskId, cancellationToken);

    public ValueTask SaveGroupAsync(string groupId, JsonArray resultTuple, CancellationToken cancellationToken = default) => inner.SaveGroupAsync(groupId, resultTuple, cancellationToken);

    public ValueTask<JsonArray?> RestoreGroupAsync(string groupId, CancellationToken cancellationToken = default) => inner.RestoreGroupAsync(groupId, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
