using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;

namespace Celeriac;

/// <summary>
/// The results of a group's members, in order, under the group id (Celery's <c>GroupResult</c>).
/// Returned when a <see cref="Canvas.Group"/> is applied; <see cref="SaveAsync"/> stores it as
/// <c>celery-taskset-meta-&lt;id&gt;</c> (SPEC §4.7) so another process can
/// <see cref="RestoreAsync"/> it by id.
/// </summary>
/// <example>
/// <code>
/// GroupResult g = await Workflow.Group(add.S(1, 1), add.S(2, 2)).ApplyAsync();
/// JsonArray sums = await g.JoinAsync(TimeSpan.FromSeconds(10));   // [2, 4]
/// await g.SaveAsync();
/// var again = await GroupResult.RestoreAsync(app, g.Id);
/// </code>
/// </example>
public sealed class GroupResult : ITaskResult
{
    private readonly CeleriacApp _app;
    private readonly IResultBackend _backend;

    internal GroupResult(CeleriacApp app, IResultBackend backend, string id, IReadOnlyList<ITaskResult> results)
    {
        _app = app;
        _backend = backend;
        Id = id;
        Results = results;
    }

    /// <summary>The group id (header <c>group</c> of every member's message).</summary>
    public string Id { get; }

    /// <summary>The members' results in group order; a nested group's entry is a <see cref="GroupResult"/>.</summary>
    public IReadOnlyList<ITaskResult> Results { get; }

    /// <inheritdoc />
    public ITaskResult? Parent { get; internal set; }

    /// <summary>Celery's <c>as_tuple()</c>: <c>[[group_id, parent or null], [member tuples]]</c> (SPEC §4.6).</summary>
    public JsonArray AsTuple() => new(new JsonArray(Id, Parent?.AsTuple()), new JsonArray(Results.Select(r => (JsonNode?)r.AsTuple()).ToArray()));

    /// <summary>Stores this group under its id (<c>GroupResult.save()</c>) so <see cref="RestoreAsync"/> finds it.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken = default) =>
        await _backend.SaveGroupAsync(Id, AsTuple(), cancellationToken).ConfigureAwait(false);

    /// <summary>Reads a group saved with <see cref="SaveAsync"/> (by any Celery or Celeriac client); null when none is stored.</summary>
    public static async Task<GroupResult?> RestoreAsync(CeleriacApp app, string groupId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var tuple = await app.Backend.RestoreGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
        if (tuple is null) return null;
        return TaskResults.From(app, app.Backend, ResultTuple.FromJson(tuple)) as GroupResult
            ?? throw new FormatException($"the saved group {groupId} is not a group result tuple");
    }

    /// <summary>Reads the backend: true once every member is ready (succeeded, failed or revoked).</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        foreach (var result in Results)
            if (!await result.IsReadyAsync(cancellationToken).ConfigureAwait(false)) return false;
        return true;
    }

    /// <summary>How many members succeeded (a nested group counts when all of its members did).</summary>
    public async Task<int> CompletedCountAsync(CancellationToken cancellationToken = default)
    {
        var count = 0;
        foreach (var result in Results)
            if (await SucceededAsync(result, cancellationToken).ConfigureAwait(false)) count++;
        return count;
    }

    /// <summary>
    /// Waits for every member and returns their values in group order (a nested group as a nested
    /// array). A failed or revoked member throws <see cref="TaskFailedException"/>, or with
    /// <paramref name="propagate"/> false puts its stored exception object in its place.
    /// <paramref name="timeout"/> bounds the whole join.
    /// </summary>
    public async Task<JsonArray> JoinAsync(TimeSpan? timeout = null, bool propagate = true, CancellationToken cancellationToken = default)
    {
        var deadline = timeout is { } t ? _app.Options.TimeProvider.GetUtcNow() + t : (DateTimeOffset?)null;
        var values = new JsonArray();
        foreach (var result in Results)
        {
            var left = deadline is { } d ? Max(d - _app.Options.TimeProvider.GetUtcNow(), TimeSpan.Zero) : (TimeSpan?)null;
            values.Add(result switch
            {
                GroupResult group => await group.JoinAsync(left, propagate, cancellationToken).ConfigureAwait(false),
                AsyncResult single when propagate => await single.GetAsync(left, cancellationToken).ConfigureAwait(false),
                AsyncResult single => (await single.WaitAsync(left, cancellationToken).ConfigureAwait(false)).Result?.DeepClone(),
                _ => await result.GetAsync(left, cancellationToken).ConfigureAwait(false),
            });
        }
        return values;
    }

    /// <summary>The members' values as <typeparamref name="T"/>, in group order; throws <see cref="TaskFailedException"/> for a failed member.</summary>
    public async Task<IReadOnlyList<T>> JoinAsync<T>(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var values = await JoinAsync(timeout, true, cancellationToken).ConfigureAwait(false);
        return values.Select(v => (T)Serialization.CeleriacJson.FromNode(v, typeof(T), _app.Options.Json)!).ToList();
    }

    /// <summary>Same as <see cref="JoinAsync(TimeSpan?, bool, CancellationToken)"/> with propagation (Celery's <c>get</c>).</summary>
    public async Task<JsonNode?> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await JoinAsync(timeout, true, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => $"<GroupResult: {Id} [{string.Join(", ", Results.Select(r => r.Id))}]>";

    private static async Task<bool> SucceededAsync(ITaskResult result, CancellationToken cancellationToken)
    {
        if (result is GroupResult group) return await group.CompletedCountAsync(cancellationToken).ConfigureAwait(false) == group.Results.Count;
        var single = (AsyncResult)result;
        await single.IsReadyAsync(cancellationToken).ConfigureAwait(false);
        return single.IsSuccessful;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
