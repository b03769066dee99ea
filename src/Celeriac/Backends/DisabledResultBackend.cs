using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Backends;

/// <summary>
/// The backend when none is configured (Celery's <c>DisabledBackend</c>): storing is a no-op so a
/// worker runs fine, but reading a result says clearly that no backend is configured.
/// </summary>
internal sealed class DisabledResultBackend : IResultBackend
{
    public static readonly DisabledResultBackend Instance = new();

    private static InvalidOperationException NoBackend() =>
        new("No result backend is configured: set CeleriacOptions.ResultBackend (result_backend), e.g. \"memory://\" or \"redis://host:6379/1\".");

    public ValueTask StoreAsync(IReadOnlyList<ResultMeta> results, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    public ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default) => throw NoBackend();
    public ValueTask<IReadOnlyList<ResultMeta>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken = default) => throw NoBackend();
    public ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken) => throw NoBackend();
    public ValueTask ForgetAsync(string taskId, CancellationToken cancellationToken = default) => throw NoBackend();
    public ValueTask SaveGroupAsync(string groupId, JsonArray resultTuple, CancellationToken cancellationToken = default) => throw NoBackend();
    public ValueTask<JsonArray?> RestoreGroupAsync(string groupId, CancellationToken cancellationToken = default) => throw NoBackend();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
