using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Memory;

/// <summary>
/// The <c>memory://</c> result backend: a view of an <see cref="InMemoryResultStore"/>, with the
/// native chord join (docs/protocol.md §4.8) so chords work without <c>celery.chord_unlock</c>.
/// </summary>
internal sealed class InMemoryResultBackend : IResultBackend, IChordJoin
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
        var expiresAt = ExpiresAt();
        foreach (var meta in results) Store.Store(meta, expiresAt);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Store.Get(taskId, _clock.GetUtcNow()) ?? ResultMeta.Pending(taskId));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ResultMeta>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        var now = _clock.GetUtcNow();
        var metas = new ResultMeta[taskIds.Count];
        for (var i = 0; i < metas.Length; i++) metas[i] = Store.Get(taskIds[i], now) ?? ResultMeta.Pending(taskIds[i]);
        return ValueTask.FromResult<IReadOnlyList<ResultMeta>>(metas);
    }

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

    /// <inheritdoc />
    public ValueTask SetChordSizeAsync(string groupId, int size, CancellationToken cancellationToken = default)
    {
        Store.SetChordSize(groupId, size, _clock.GetUtcNow(), ExpiresAt());
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask AddChordExtraAsync(string groupId, int count, CancellationToken cancellationToken = default)
    {
        Store.AddChordExtra(groupId, count, _clock.GetUtcNow());
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ChordProgress> AddChordPartAsync(string groupId, int? groupIndex, ResultMeta part, CancellationToken cancellationToken = default) =>
        AddChordPartAsync(groupId, groupIndex, part, new ChordClaim(_clock.GetUtcNow(), ChordClaim.DefaultLease), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ChordProgress> AddChordPartAsync(string groupId, int? groupIndex, ResultMeta part, ChordClaim claim, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Store.AddChordPart(groupId, groupIndex, part, claim, _clock.GetUtcNow(), ExpiresAt()));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ChordPart>> GetChordPartsAsync(string groupId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Store.GetChordParts(groupId, _clock.GetUtcNow()));

    /// <inheritdoc />
    public ValueTask CloseChordAsync(string groupId, CancellationToken cancellationToken = default)
    {
        Store.CloseChord(groupId, _clock.GetUtcNow());
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeleteChordAsync(string groupId, CancellationToken cancellationToken = default)
    {
        Store.DeleteChord(groupId);
        return ValueTask.CompletedTask;
    }

    private DateTimeOffset? ExpiresAt() => _expires is { } e ? _clock.GetUtcNow() + e : null;
}
