using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;

namespace Celeriac;

/// <summary>
/// The results of a group's members, in order, under the group id (Celery's <c>GroupResult</c>).
/// Returned when a <see cref="Canvas.Group"/> is applied; <see cref="SaveAsync"/> stores it as
/// <c>celery-taskset-meta-&lt;id&gt;</c> (docs/protocol.md §4.7) so another process can
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

    /// <summary>
    /// Collects results sent one by one, to wait for them together (Celery's
    /// <c>GroupResult(id, results)</c>, or its <c>ResultSet</c>): <see cref="JoinAsync(TimeSpan?, bool, CancellationToken)"/>
    /// then reads and waits for all members in a few round trips.
    /// </summary>
    /// <param name="app">The app whose result backend holds the results.</param>
    /// <param name="results">The members, in the order their values are returned.</param>
    /// <param name="id">The group id; a new one when null (used by <see cref="SaveAsync"/>).</param>
    /// <example>
    /// <code>
    /// var sent = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => app.SendTaskAsync("tasks.add", [i, i])));
    /// JsonArray sums = await new GroupResult(app, sent).JoinAsync(TimeSpan.FromMinutes(1));
    /// </code>
    /// </example>
    public GroupResult(CeleriacApp app, IEnumerable<ITaskResult> results, string? id = null)
        : this(app ?? throw new ArgumentNullException(nameof(app)), app.Backend, id ?? Guid.NewGuid().ToString(),
            (results ?? throw new ArgumentNullException(nameof(results))).ToList())
    {
    }

    /// <summary>The group id (header <c>group</c> of every member's message).</summary>
    public string Id { get; }

    /// <summary>The members' results in group order; a nested group's entry is a <see cref="GroupResult"/>.</summary>
    public IReadOnlyList<ITaskResult> Results { get; }

    /// <inheritdoc />
    public ITaskResult? Parent { get; internal set; }

    /// <summary>Celery's <c>as_tuple()</c>: <c>[[group_id, parent or null], [member tuples]]</c> (docs/protocol.md §4.6).</summary>
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

    /// <summary>Reads the backend, every member in one batch: true once every member is ready (succeeded, failed or revoked).</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        var leaves = ResultBatch.Leaves(Results);
        await ResultBatch.RefreshAsync(leaves, cancellationToken).ConfigureAwait(false);
        return leaves.TrueForAll(r => r.IsReady);
    }

    /// <summary>Reads the backend, every member in one batch: how many members succeeded (a nested group counts when all of its members did).</summary>
    public async Task<int> CompletedCountAsync(CancellationToken cancellationToken = default)
    {
        await ResultBatch.RefreshAsync(ResultBatch.Leaves(Results), cancellationToken).ConfigureAwait(false);
        return Results.Count(Succeeded);
    }

    /// <summary>
    /// Waits for every member and returns their values in group order (a nested group as a nested
    /// array). A failed or revoked member throws <see cref="TaskFailedException"/> (the first in
    /// group order, once the members before it are ready), or with <paramref name="propagate"/>
    /// false puts its stored exception object in its place. <paramref name="timeout"/> bounds the
    /// whole join.
    /// </summary>
    /// <remarks>
    /// All members are read in one batch, then the ones not ready yet are waited for together
    /// (Celery's <c>join_native</c>): a group of thousands costs a few round trips, not one per member.
    /// </remarks>
    public async Task<JsonArray> JoinAsync(TimeSpan? timeout = null, bool propagate = true, CancellationToken cancellationToken = default)
    {
        var leaves = ResultBatch.Leaves(Results);
        using var joining = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t) joining.CancelAfter(t);
        Dictionary<AsyncResult, Task<ResultMeta>> waits = [];
        try
        {
            await ResultBatch.RefreshAsync(leaves, joining.Token).ConfigureAwait(false);
            waits = ResultBatch.StartWaits(leaves, joining.Token);
            return await CollectAsync(Results, waits, propagate, timeout, joining.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var late = leaves.Find(r => !r.IsReady && !r.IsFinal)?.Id ?? Id;
            throw new TimeoutException($"Task {late} was not ready within {timeout}.");
        }
        finally
        {
            // A failure or timeout leaves waits running: end them, and let none fault unobserved.
            await joining.CancelAsync().ConfigureAwait(false);
            await ResultBatch.AbandonAsync(waits.Values).ConfigureAwait(false);
        }
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

    // The members' values in order, each taken from its wait (started for all at once) or, when it
    // was ready already, from the meta just read.
    private static async Task<JsonArray> CollectAsync(IReadOnlyList<ITaskResult> results, Dictionary<AsyncResult, Task<ResultMeta>> waits,
        bool propagate, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var values = new JsonArray();
        foreach (var result in results)
        {
            if (result is GroupResult group)
            {
                values.Add(await CollectAsync(group.Results, waits, propagate, timeout, cancellationToken).ConfigureAwait(false));
                continue;
            }
            if (result is not AsyncResult single)
            {
                values.Add(await result.GetAsync(timeout, cancellationToken).ConfigureAwait(false));
                continue;
            }
            if (waits.TryGetValue(single, out var wait)) single.Meta = await wait.ConfigureAwait(false);
            if (propagate && TaskStates.Propagates(single.Meta.Status)) throw new TaskFailedException(single.Meta);
            values.Add(single.Meta.Result?.DeepClone());
        }
        return values;
    }

    private static bool Succeeded(ITaskResult result) => result switch
    {
        GroupResult group => group.Results.All(Succeeded),
        AsyncResult single => single.IsSuccessful,
        _ => false,
    };
}
