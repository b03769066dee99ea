using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Memory;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Support;

/// <summary>
/// The in-memory result backend (chord join included) with hooks that run before every store and
/// every chord part added: a test makes them wait for a gate, or fail as a backend that went away would.
/// </summary>
internal sealed class HookedBackend(IResultBackend inner) : IResultBackend, IChordJoin
{
    private readonly IChordJoin _join = (IChordJoin)inner;

    /// <summary>Runs before each store with the metas about to be stored.</summary>
    public Func<IReadOnlyList<ResultMeta>, ValueTask>? BeforeStore { get; set; }

    /// <summary>Runs before each chord part is added, with the part.</summary>
    public Func<ResultMeta, ValueTask>? BeforeChordPart { get; set; }

    /// <summary>Makes <c>memory://</c> URLs of <paramref name="options"/> open a hooked backend; <paramref name="created"/> receives it.</summary>
    public static void Install(CeleriacOptions options, Action<HookedBackend> created) =>
        options.Providers.AddResultBackend("memory", c =>
        {
            var backend = new HookedBackend(InMemoryResultStore.Named(c.Url.Host).CreateBackend(c.Options.TimeProvider, c.Options.ResultExpires));
            created(backend);
            return backend;
        });

    public async ValueTask StoreAsync(IReadOnlyList<ResultMeta> results, CancellationToken cancellationToken = default)
    {
        if (BeforeStore is { } hook) await hook(results);
        await inner.StoreAsync(results, cancellationToken);
    }

    public ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default) => inner.GetAsync(taskId, cancellationToken);

    public ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken) => inner.WaitForReadyAsync(taskId, cancellationToken);

    public ValueTask ForgetAsync(string taskId, CancellationToken cancellationToken = default) => inner.ForgetAsync(taskId, cancellationToken);

    public ValueTask SaveGroupAsync(string groupId, JsonArray resultTuple, CancellationToken cancellationToken = default) => inner.SaveGroupAsync(groupId, resultTuple, cancellationToken);

    public ValueTask<JsonArray?> RestoreGroupAsync(string groupId, CancellationToken cancellationToken = default) => inner.RestoreGroupAsync(groupId, cancellationToken);

    public ValueTask SetChordSizeAsync(string groupId, int size, CancellationToken cancellationToken = default) => _join.SetChordSizeAsync(groupId, size, cancellationToken);

    public ValueTask AddChordExtraAsync(string groupId, int count, CancellationToken cancellationToken = default) => _join.AddChordExtraAsync(groupId, count, cancellationToken);

    public async ValueTask<ChordProgress> AddChordPartAsync(string groupId, int? groupIndex, ResultMeta part, CancellationToken cancellationToken = default)
    {
        if (BeforeChordPart is { } hook) await hook(part);
        return await _join.AddChordPartAsync(groupId, groupIndex, part, cancellationToken);
    }

    public async ValueTask<ChordProgress> AddChordPartAsync(string groupId, int? groupIndex, ResultMeta part, ChordClaim claim, CancellationToken cancellationToken = default)
    {
        if (BeforeChordPart is { } hook) await hook(part);
        return await _join.AddChordPartAsync(groupId, groupIndex, part, claim, cancellationToken);
    }

    public ValueTask<IReadOnlyList<ChordPart>> GetChordPartsAsync(string groupId, CancellationToken cancellationToken = default) => _join.GetChordPartsAsync(groupId, cancellationToken);

    public ValueTask DeleteChordAsync(string groupId, CancellationToken cancellationToken = default) => _join.DeleteChordAsync(groupId, cancellationToken);

    public ValueTask CloseChordAsync(string groupId, CancellationToken cancellationToken = default) => _join.CloseChordAsync(groupId, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
