using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary>A result backend without a native chord join, as Celery's file or database backends: chords need <c>celery.chord_unlock</c>.</summary>
internal sealed class NoChordJoinBackend(IResultBackend inner) : IResultBackend
{
    public ValueTask StoreAsync(IReadOnlyList<ResultMeta> results, CancellationToken cancellationToken = default) => inner.StoreAsync(results, cancellationToken);

    public ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default) => inner.GetAsync(taskId, cancellationToken);

    public ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken) => inner.WaitForReadyAsync(taskId, cancellationToken);

    public ValueTask ForgetAsync(string taskId, CancellationToken cancellationToken = default) => inner.ForgetAsync(taskId, cancellationToken);

    public ValueTask SaveGroupAsync(string groupId, JsonArray resultTuple, CancellationToken cancellationToken = default) => inner.SaveGroupAsync(groupId, resultTuple, cancellationToken);

    public ValueTask<JsonArray?> RestoreGroupAsync(string groupId, CancellationToken cancellationToken = default) => inner.RestoreGroupAsync(groupId, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
