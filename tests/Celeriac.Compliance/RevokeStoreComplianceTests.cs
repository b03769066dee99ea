using Celeriac.Revocation;

namespace Celeriac.Compliance;

/// <summary>
/// What every <see cref="IRevokeStore"/> must do (docs/architecture.md "Revokes that hold"): revokes written
/// through one connection are read through another, a read after a cursor never misses what came
/// later, many ids go in one call, and the store keeps at most the bound, dropping the oldest.
/// A transport subclasses this by saying how to connect two stores to one broker.
/// </summary>
public abstract class RevokeStoreComplianceTests : IAsyncLifetime
{
    private readonly List<IRevokeStore> _stores = [];

    /// <summary>Connects a new store (usually the transport) to the broker under test; each call a new connection.</summary>
    private protected abstract ValueTask<IRevokeStore> CreateStoreAsync();

    private static RevokeRetention Retention(int max = 50_000) =>
        new(TimeSpan.FromHours(3), max, (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalSeconds);

    private async Task<IRevokeStore> StoreAsync()
    {
        var store = await CreateStoreAsync();
        _stores.Add(store);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
            if (store is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }

    [Fact]
    public async Task Revokes_written_by_one_client_are_read_by_another_with_their_time()
    {
        var writer = await StoreAsync();
        var reader = await StoreAsync();
        var before = Retention().Now;

        await writer.RememberAsync(["r1", "r2"], Retention());
        var read = await reader.ReadAsync(null, Retention());

        read.Entries.Select(e => e.TaskId).Should().BeEquivalentTo(["r1", "r2"]);
        read.Entries.Should().OnlyContain(e => Math.Abs(e.RevokedAt - before) < 60, "a revoke's time is about now");
    }

    [Fact]
    public async Task A_read_after_a_cursor_returns_what_came_later_and_may_repeat_but_never_miss()
    {
        var store = await StoreAsync();
        await store.RememberAsync(["c1"], Retention());
        var first = await store.ReadAsync(null, Retention());

        await store.RememberAsync(["c2", "c3"], Retention());
        var next = await store.ReadAsync(first.Cursor, Retention());

        next.Entries.Select(e => e.TaskId).Should().Contain(["c2", "c3"]);
        var all = await store.ReadAsync(null, Retention());
        all.Entries.Select(e => e.TaskId).Should().BeEquivalentTo(["c1", "c2", "c3"]);
    }

    [Fact]
    public async Task A_thousand_ids_go_in_one_call()
    {
        var store = await StoreAsync();
        var ids = Enumerable.Range(0, 1000).Select(i => $"many-{i}").ToList();

        await store.RememberAsync(ids, Retention());

        (await store.ReadAsync(null, Retention())).Entries.Select(e => e.TaskId).Should().BeEquivalentTo(ids);
    }

    [Fact]
    public async Task At_the_bound_the_oldest_revokes_go_first()
    {
        var store = await StoreAsync();
        foreach (var id in new[] { "b1", "b2", "b3", "b4" })
        {
            await store.RememberAsync([id], Retention(max: 2));
            await Task.Delay(2); // a later revoke time than the one before, on any store's clock
        }

        (await store.ReadAsync(null, Retention(max: 2))).Entries.Select(e => e.TaskId).Should().BeEquivalentTo(["b3", "b4"]);
    }
}
