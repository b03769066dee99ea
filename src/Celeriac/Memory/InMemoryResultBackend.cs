using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Memory;

/// <summary>The <c>memory://</c> result backend: a view of an <see cref="InMemoryResultStore"/>.</summary>
public sealed class InMemoryResultBackend : IResultBackend
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan? _expires;

    internal InMemoryResultBackend(InMemoryResultStore store, TimeProvider clock, TimeSpan? expires)
    {
        Store = store;
        _clock = clock;
        _expires = expires;
    }

    /// <summary>The store this backend reads and writes.</summary>
    public InMemoryResultStore Store { get; }

    /// <inheritdoc />
    public ValueTask StoreAsync(IReadOnlyList<ResultMeta> results, CancellationToken cancellationToken = default)
    {
        var expiresAt = _expires is { } e ? _clock.GetUtcNow() + e : (DateTimeOffset?)null;
        foreach (var meta in results) Store.Store(meta, expiresAt);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Store.Get(taskId, _clock.GetUtcNow()) ?? ResultMeta.Pending(taskId));

    /// <inheritdoc />
    public ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken) =>
        Store.WaitAsync(taskId, _clock.GetUtcNow(), cancellationToken);

    /// <inheritdoc />
    public ValueTask ForgetAsync(string taskId, CancellationToken cancellationToken = default)
    {
        Store.Forget(taskId);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SaveGroupAsync(string groupId, JsonArray resultTuple, CancellationToken cancellationToken = default)
    {
        Store.SaveGroup(groupId, resultTuple);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<JsonArray?> RestoreGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Store.RestoreGroup(groupId));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
