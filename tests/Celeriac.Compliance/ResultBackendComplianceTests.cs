using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Compliance;

/// <summary>
/// What every <see cref="IResultBackend"/> must do (docs/architecture.md#seams, docs/protocol.md §4.2–4.3, §4.7). A backend
/// subclasses this in a few lines by saying how to connect, for example:
/// <code>
/// public sealed class RedisResultBackendComplianceTests(RedisServerFixture redis)
///     : ResultBackendComplianceTests, IClassFixture&lt;RedisServerFixture&gt;
/// {
///     protected override ValueTask&lt;IResultBackend&gt; CreateBackendAsync() =>
///         ValueTask.FromResult&lt;IResultBackend&gt;(new RedisResultBackend(redis.Url));
/// }
/// </code>
/// Every call of the factory must return a new backend on the same store (tests use a second one
/// to play the worker while the first plays the waiting client). Tests use fresh task and group
/// ids, so one store can serve all tests, also in parallel.
/// </summary>
public abstract partial class ResultBackendComplianceTests : IAsyncLifetime
{
    /// <summary>How long any single expectation may take; generous, as nothing here sleeps.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private IResultBackend? _backend;
    private IResultBackend? _worker;

    /// <summary>Connects a new backend to the store under test.</summary>
    private protected abstract ValueTask<IResultBackend> CreateBackendAsync();

    /// <summary>The backend of this test: the client side (gets, waits).</summary>
    private protected IResultBackend Backend => _backend ?? throw new InvalidOperationException("the backend is created in InitializeAsync");

    /// <summary>A second backend on the same store: the worker side (stores).</summary>
    private protected IResultBackend Worker => _worker ?? throw new InvalidOperationException("the backend is created in InitializeAsync");

    /// <summary>
    /// Capability: the backend keeps the whole meta. False for <c>rpc://</c>, whose messages carry only
    /// <c>task_id</c>, <c>status</c>, <c>result</c>, <c>traceback</c> and <c>children</c> (docs/protocol.md §3.5): the
    /// suite then compares those fields only.
    /// </summary>
    private protected virtual bool KeepsWholeMeta => true;

    /// <summary>
    /// Capability: group results can be saved and restored. False for <c>rpc://</c>, where both
    /// throw <see cref="NotSupportedException"/> (Celery raises <c>NotImplementedError</c>), which the suite checks instead.
    /// </summary>
    private protected virtual bool SavesGroups => true;

    /// <summary>
    /// Capability: any client reads any task's result. False for <c>rpc://</c>, where a result goes
    /// only to the reply queue of the client that sent the task: waiters then all use one client.
    /// </summary>
    private protected virtual bool SharedAcrossClients => true;

    /// <summary>The JSON of what the backend keeps of <paramref name="meta"/> (see <see cref="KeepsWholeMeta"/>).</summary>
    private protected string Json(ResultMeta meta) => ComplianceResults.Json(KeepsWholeMeta ? meta : new ResultMeta
    {
        TaskId = meta.TaskId, Status = meta.Status, Result = meta.Result, Traceback = meta.Traceback, Children = meta.Children,
    });

    /// <summary>Stores metas one call each, in order, as a worker reports progress.</summary>
    protected async Task StoreEachAsync(params ResultMeta[] metas)
    {
        foreach (var meta in metas) await Worker.StoreAsync([meta]);
    }

    /// <summary>Asserts what the client reads for a task.</summary>
    protected async Task ShouldReadAsync(ResultMeta expected, string because = "")
    {
        var actual = await Backend.GetAsync(expected.TaskId);
        Json(actual).Should().Be(Json(expected), because);
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _backend = await CreateBackendAsync();
        _worker = await CreateBackendAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_worker is not null) await _worker.DisposeAsync();
        if (_backend is not null) await _backend.DisposeAsync();
    }
}
