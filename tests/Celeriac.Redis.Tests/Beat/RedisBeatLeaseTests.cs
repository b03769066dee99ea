using System.Diagnostics;
using Celeriac.Beat.Store;
using Celeriac.Redis.Tests.Beat.Support;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;

namespace Celeriac.Redis.Tests.Beat;

/// <summary>
/// The beat lease on real Redis (docs/architecture.md "Beat"): one holder among racing contenders, a
/// fencing term that grows with every new holding, renewal, expiry by the server's clock, release.
/// </summary>
public sealed class RedisBeatLeaseTests(RedisServerFixture redis) : BeatStoreTestBase(redis)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [RedisFact]
    public async Task Of_many_contenders_racing_on_separate_connections_exactly_one_holds_the_lease_each_round()
    {
        var stores = Enumerable.Range(0, 12).Select(_ => SeparateStore()).ToList();
        var terms = new List<long>();
        for (var round = 0; round < 20; round++)
        {
            using var start = new ManualResetEventSlim();
            var attempts = stores.Select((store, i) => Task.Run(async () =>
            {
                start.Wait();
                return await store.TryAcquireAsync($"holder-{i}", Long, CancellationToken.None);
            })).ToList();
            start.Set();
            var leases = await Task.WhenAll(attempts);

            var held = leases.Where(l => l is not null).ToList();
            held.Should().ContainSingle("round {0}: only one contender may win", round);
            var winner = held[0]!;
            (await Raw.RunAsync("GET", Key("lease"))).AsString().Should().Be($"{winner.Holder}|{winner.Term}");
            terms.Add(winner.Term);
            await stores[int.Parse(winner.Holder["holder-".Length..])].ReleaseAsync(winner, CancellationToken.None);
        }
        terms.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("every new holding is fenced above the ones before");
    }

    [RedisFact]
    public async Task Renewal_keeps_the_holder_and_its_term_and_extends_the_servers_expiry()
    {
        var a = Store();
        var b = SeparateStore();
        var first = await a.TryAcquireAsync("a", TimeSpan.FromSeconds(2), CancellationToken.None);
        first.Should().NotBeNull();

        var renewed = await a.TryAcquireAsync("a", Long, CancellationToken.None);

        renewed!.Term.Should().Be(first!.Term);
        renewed.ExpiresAt.Should().BeAfter(first.ExpiresAt);
        (await Raw.RunAsync("PTTL", Key("lease"))).AsInt64().Should().BeGreaterThan(20_000);
        (await b.TryAcquireAsync("b", Long, CancellationToken.None)).Should().BeNull("a holds it");
    }

    [RedisFact]
    public async Task When_the_holder_stops_renewing_another_takes_over_after_expiry_with_a_higher_term()
    {
        var a = Store();
        var b = SeparateStore();
        var duration = TimeSpan.FromMilliseconds(600);
        var first = await a.TryAcquireAsync("a", duration, CancellationToken.None);
        var clock = Stopwatch.StartNew();

        BeatLease? taken = null;
        while (taken is null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            taken = await b.TryAcquireAsync("b", Long, CancellationToken.None);
            if (taken is null) await Task.Delay(20);
        }

        taken.Should().NotBeNull();
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(duration - TimeSpan.FromMilliseconds(50), "the server's expiry, not a client's clock, ends the lease");
        taken!.Term.Should().BeGreaterThan(first!.Term);
        (await a.TryAcquireAsync("a", Long, CancellationToken.None)).Should().BeNull("b holds it now");
    }

    [RedisFact]
    public async Task Release_hands_the_lease_over_at_once_and_a_stale_release_does_not_end_a_newer_holding()
    {
        var a = Store();
        var b = SeparateStore();
        var first = (await a.TryAcquireAsync("a", Long, CancellationToken.None))!;

        await a.ReleaseAsync(first, CancellationToken.None);
        var second = await b.TryAcquireAsync("b", Long, CancellationToken.None);

        second.Should().NotBeNull("released, not waiting for the 30 s expiry");
        second!.Term.Should().BeGreaterThan(first.Term);
        await a.ReleaseAsync(first, CancellationToken.None);
        (await Raw.RunAsync("GET", Key("lease"))).AsString().Should().Be($"b|{second.Term}", "a's old holding cannot release b's");

        // The same holder coming back after losing the lease gets a new term: its old one stays fenced.
        await b.ReleaseAsync(second, CancellationToken.None);
        var again = (await a.TryAcquireAsync("a", Long, CancellationToken.None))!;
        again.Term.Should().BeGreaterThan(second.Term);
    }

    [RedisFact]
    public async Task A_holder_whose_name_extends_another_holders_is_told_apart_from_it()
    {
        var a = Store();
        var lease = (await a.TryAcquireAsync("x", Long, CancellationToken.None))!;
        (await a.TryAcquireAsync("x|" + lease.Term, Long, CancellationToken.None)).Should().BeNull();
        await a.ReleaseAsync(lease, CancellationToken.None);

        var other = (await a.TryAcquireAsync("x|12", Long, CancellationToken.None))!;
        (await a.TryAcquireAsync("x", Long, CancellationToken.None)).Should().BeNull("'x|12|<term>' is not x's value");
        (await a.TryAcquireAsync("x|12", Long, CancellationToken.None))!.Term.Should().Be(other.Term);
        await FluentActions.Awaiting(() => a.TryAcquireAsync("", Long, CancellationToken.None).AsTask()).Should().ThrowAsync<ArgumentException>();
    }
}
