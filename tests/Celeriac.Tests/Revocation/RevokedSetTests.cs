using Celeriac.Revocation;

namespace Celeriac.Tests.Revocation;

/// <summary>The revoked set is Celery's LimitedSet (docs/protocol.md §5.7): bounded, each id held for the horizon, oldest dropped first.</summary>
public sealed class RevokedSetTests
{
    [Fact]
    public void At_the_bound_the_oldest_revoke_goes_first()
    {
        var set = new RevokedSet(max: 3, horizon: TimeSpan.FromHours(3));
        for (var i = 0; i < 5; i++) set.Add($"t{i}", 1000 + i, 1010);

        set.Count.Should().Be(3);
        set.Snapshot(1010).Select(e => e.TaskId).Should().Equal("t2", "t3", "t4");
        set.Contains("t0", 1010).Should().BeFalse();
        set.Contains("t4", 1010).Should().BeTrue();
    }

    [Fact]
    public void An_id_is_held_for_the_horizon_and_a_later_revoke_renews_it()
    {
        var set = new RevokedSet(max: 10, horizon: TimeSpan.FromSeconds(100));
        set.Add("a", 1000, 1000);
        set.Add("b", 1000, 1000);
        set.Add("b", 1050, 1050);

        set.Contains("a", 1099).Should().BeTrue();
        set.Contains("a", 1100).Should().BeFalse();
        set.Contains("b", 1100).Should().BeTrue("renewed at 1050");
        set.Snapshot(1100).Should().Equal(("b", 1050.0));
        set.Add("old", 900, 1000).Should().BeFalse("already past the horizon");
    }

    [Fact]
    public async Task The_in_memory_store_reads_only_what_came_after_the_cursor_and_trims_to_the_bound()
    {
        var store = new InMemoryRevokeStore();
        var retention = new RevokeRetention(TimeSpan.FromSeconds(100), 2, 1000);
        await store.RememberAsync(["a", "b"], retention);
        var first = await store.ReadAsync(null, retention);
        first.Entries.Select(e => e.TaskId).Should().Equal("a", "b");

        await store.RememberAsync(["c"], retention with { Now = 1001 });
        var next = await store.ReadAsync(first.Cursor, retention with { Now = 1001 });
        next.Entries.Should().Equal(new RevokedEntry("c", 1001));
        (await store.ReadAsync(null, retention with { Now = 1001 })).Entries.Select(e => e.TaskId).Should().Equal("b", "c");
        (await store.ReadAsync(null, retention with { Now = 1101 })).Entries.Should().BeEmpty();
    }
}
