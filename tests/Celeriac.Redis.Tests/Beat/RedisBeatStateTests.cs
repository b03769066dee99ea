using Celeriac.Beat.Store;
using Celeriac.Redis.Tests.Beat.Support;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;

namespace Celeriac.Redis.Tests.Beat;

/// <summary>
/// State and run-time edits on real Redis: kept under the schedule's keys, read back by a new store
/// on another connection (a restarted or taking-over beat), states only moving forward under the
/// lease, edits written by anyone with a version that moves on every write.
/// </summary>
public sealed class RedisBeatStateTests(RedisServerFixture redis) : BeatStoreTestBase(redis)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset T = BeatRuns.Origin;

    [RedisFact]
    public async Task States_from_runs_and_anchors_survive_into_a_new_store_to_the_microsecond()
    {
        var store = Store();
        var lease = (await store.TryAcquireAsync("a", Long, CancellationToken.None))!;
        var fine = T.AddTicks(1_234_567); // 0.1234567 s: kept to the microsecond, as task ids spell it
        var run = BeatRuns.Run("ran", T, count: 7);
        await store.PublishAsync(lease, [run], CancellationToken.None);
        await store.WriteStatesAsync(lease, new Dictionary<string, BeatEntryState> { ["anchored"] = new(fine, 0) }, CancellationToken.None);

        var read = await SeparateStore().ReadStateAsync(CancellationToken.None);

        read.Should().BeEquivalentTo(new Dictionary<string, BeatEntryState>
        {
            ["ran"] = new(T, 7, run.TaskId),
            ["anchored"] = new(T.AddTicks(1_234_560), 0),
        });
        read["ran"].LastSlot.Offset.Should().Be(TimeSpan.Zero);
    }

    [RedisFact]
    public async Task States_are_written_only_forward_and_only_under_the_lease()
    {
        var store = Store();
        var lease = (await store.TryAcquireAsync("a", Long, CancellationToken.None))!;
        await store.WriteStatesAsync(lease, new Dictionary<string, BeatEntryState> { ["e"] = new(T, 3, "id-3") }, CancellationToken.None);

        await store.WriteStatesAsync(lease, new Dictionary<string, BeatEntryState>
        {
            ["e"] = new(T.AddSeconds(-10), 0), // older: kept as recorded
            ["f"] = new(T, 0),
        }, CancellationToken.None);
        (await store.ReadStateAsync(CancellationToken.None))["e"].Should().Be(new BeatEntryState(T, 3, "id-3"));
        await store.WriteStatesAsync(lease, new Dictionary<string, BeatEntryState> { ["e"] = new(T.AddMinutes(5), 3, "id-3") }, CancellationToken.None);
        (await store.ReadStateAsync(CancellationToken.None))["e"].LastSlot.Should().Be(T.AddMinutes(5), "a re-anchor moves forward");

        // Published runs older than an anchor are duplicates.
        (await store.PublishAsync(lease, [BeatRuns.Run("e", T.AddMinutes(1))], CancellationToken.None)).Duplicates.Should().HaveCount(1);

        var other = SeparateStore();
        var notHeld = new BeatLease("b", lease.Term + 1, DateTimeOffset.UtcNow.AddMinutes(1));
        await FluentActions.Awaiting(() => other.WriteStatesAsync(notHeld, new Dictionary<string, BeatEntryState> { ["g"] = new(T, 0) }, CancellationToken.None).AsTask())
            .Should().ThrowAsync<BeatLeaseLostException>();
        await FluentActions.Awaiting(() => other.WriteStatesAsync(notHeld, new Dictionary<string, BeatEntryState>(), CancellationToken.None).AsTask())
            .Should().ThrowAsync<BeatLeaseLostException>("an empty write still tells the caller its lease is gone");
        (await store.ReadStateAsync(CancellationToken.None)).Keys.Should().BeEquivalentTo("e", "f");
    }

    [RedisFact]
    public async Task Edits_need_no_lease_move_the_version_and_keep_removals_for_every_store_to_see()
    {
        var writer = Store();
        var reader = SeparateStore();
        (await reader.ReadEditsVersionAsync(CancellationToken.None)).Should().Be(0);
        (await reader.ReadEditsAsync(CancellationToken.None)).Should().BeEquivalentTo(new BeatEdits(0, new Dictionary<string, string?>()));

        var versions = new List<long>();
        await writer.WriteEditAsync("nightly", """{"task":"tasks.report","schedule":{"crontab":"0 3 * * *"}}""", CancellationToken.None);
        versions.Add(await reader.ReadEditsVersionAsync(CancellationToken.None));
        await writer.WriteEditAsync("hourly", """{"task":"tasks.sync","schedule":3600}""", CancellationToken.None);
        versions.Add(await reader.ReadEditsVersionAsync(CancellationToken.None));
        await writer.WriteEditAsync("hourly", null, CancellationToken.None);
        versions.Add(await reader.ReadEditsVersionAsync(CancellationToken.None));

        versions.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        versions[0].Should().BeGreaterThanOrEqualTo(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), "never below the server's time in ms");
        var edits = await reader.ReadEditsAsync(CancellationToken.None);
        edits.Version.Should().Be(versions[2]);
        edits.Entries.Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["nightly"] = """{"task":"tasks.report","schedule":{"crontab":"0 3 * * *"}}""",
            ["hourly"] = null,
        });
        await FluentActions.Awaiting(() => writer.WriteEditAsync("x", "", CancellationToken.None).AsTask()).Should().ThrowAsync<ArgumentException>();
        (await Raw.RunAsync("HGET", Key("edits"), "hourly")).AsString().Should().BeEmpty("a removal is kept as an empty definition");
    }

    [RedisFact]
    public async Task Schedules_with_different_names_and_key_prefixes_keep_apart()
    {
        var a = Store();
        var b = (Celeriac.Redis.Beat.RedisBeatStore)Transport.OpenBeatStore("another");
        await using var prefixed = TestTransports.Create(Redis.Server, TestTransports.NewPrefix());
        var c = prefixed.OpenBeatStore(Schedule);

        var leaseA = await a.TryAcquireAsync("a", Long, CancellationToken.None);
        var leaseB = await b.TryAcquireAsync("b", Long, CancellationToken.None);
        var leaseC = await c.TryAcquireAsync("c", Long, CancellationToken.None);
        await a.WriteEditAsync("e", "{}", CancellationToken.None);

        new[] { leaseA, leaseB, leaseC }.Should().AllSatisfy(l => l.Should().NotBeNull());
        (await b.ReadEditsVersionAsync(CancellationToken.None)).Should().Be(0);
        (await c.ReadEditsVersionAsync(CancellationToken.None)).Should().Be(0);
    }
}
