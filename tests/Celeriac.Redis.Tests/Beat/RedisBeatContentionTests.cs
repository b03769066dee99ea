using Celeriac.Beat.Store;
using Celeriac.Redis.Beat;
using Celeriac.Redis.Tests.Beat.Support;
using Celeriac.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Celeriac.Redis.Tests.Beat;

/// <summary>
/// Three replicas driving the store as a beat loop does (acquire or renew, plan the due slots from
/// the recorded state, publish), on separate connections, while a chaos task makes holders stall
/// past their lease between planning and publishing and stop renewing for a while. Whatever the
/// interleaving, every slot of every entry lands on the list exactly once and none is skipped: the
/// store alone, without the real loop, must guarantee this.
/// </summary>
public sealed class RedisBeatContentionTests(RedisServerFixture redis, ITestOutputHelper output) : BeatStoreTestBase(redis)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(400);
    private static readonly (string Name, TimeSpan Period)[] Entries = [("fast", TimeSpan.FromMilliseconds(100)), ("slow", TimeSpan.FromMilliseconds(700))];

    [RedisFact]
    public async Task Stalled_and_competing_replicas_publish_every_slot_exactly_once_with_no_gap()
    {
        // Whole milliseconds: the store keeps slots to the microsecond, so an anchor with finer ticks would come back moved.
        var origin = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var replicas = Enumerable.Range(0, 3).Select(i => new Replica($"r{i}", SeparateStore(), origin)).ToList();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var loops = replicas.Select(r => Task.Run(() => r.RunAsync(stop.Token))).ToList();
        var random = new Random(13);
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(300);
            var victim = replicas[random.Next(replicas.Count)];
            if (random.Next(2) == 0) victim.StallNextPublish = true; // prepared runs, then paused past the lease
            else victim.SilentUntil = DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(600); // stops renewing
        }
        await Task.WhenAll(loops);
        // One last holder catches up to now, so the list must hold every slot up to its end.
        var end = DateTimeOffset.UtcNow;
        var closer = new Replica("closer", SeparateStore(), origin);
        await Eventually.SucceedsAsync(async () => await closer.StepAsync(end, CancellationToken.None) ? true : throw new Exception("lease not free yet"), TimeSpan.FromSeconds(10));

        var published = (await QueuedAsync(Prefix + "celery")).Select(BeatRuns.IdOf).ToList();
        published.Should().OnlyHaveUniqueItems();
        foreach (var (name, period) in Entries)
        {
            var expected = Enumerable.Range(1, (int)((end - origin) / period)).Select(n => BeatRuns.TaskId(name, origin + n * period)).ToList();
            published.Where(expected.Contains).Should().Equal(expected, "every slot of {0}, once, in order", name);
        }
        published.Should().HaveCount(Entries.Sum(e => (int)((end - origin) / e.Period)));
        output.WriteLine($"{published.Count} runs; lease lost {replicas.Sum(r => r.LeaseLost)} times, duplicates refused {replicas.Sum(r => r.Duplicates)}; " +
                         $"holdings: {string.Join(", ", replicas.Select(r => $"{r.Holder} {r.Holdings}"))}");
        replicas.Sum(r => r.LeaseLost).Should().BeGreaterThan(0, "the chaos made some holder publish after losing its lease");
    }

    /// <summary>A minimal beat loop on the store: every slot due is published (no missed-run policy).</summary>
    private sealed class Replica(string holder, RedisBeatStore store, DateTimeOffset origin)
    {
        private long _term = -1;

        public string Holder => holder;
        public volatile bool StallNextPublish;
        public DateTimeOffset SilentUntil;
        public int LeaseLost, Duplicates, Holdings;

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                if (DateTimeOffset.UtcNow >= SilentUntil) await StepAsync(DateTimeOffset.UtcNow, CancellationToken.None);
                await Task.Delay(50, CancellationToken.None);
            }
        }

        /// <summary>One turn: take or renew the lease, plan every slot up to <paramref name="now"/>, publish. False when not the holder.</summary>
        public async Task<bool> StepAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            var lease = await store.TryAcquireAsync(holder, Lease, cancellationToken);
            if (lease is null) return false;
            if (lease.Term != _term) (_term, Holdings) = (lease.Term, Holdings + 1);
            try
            {
                var state = await store.ReadStateAsync(cancellationToken);
                var anchors = Entries.Where(e => !state.ContainsKey(e.Name)).ToDictionary(e => e.Name, _ => new BeatEntryState(origin, 0));
                if (anchors.Count > 0) await store.WriteStatesAsync(lease, anchors, cancellationToken);
                var runs = new List<BeatRun>();
                foreach (var (name, period) in Entries)
                {
                    var last = state.TryGetValue(name, out var s) ? s : new BeatEntryState(origin, 0);
                    var count = last.TotalRunCount;
                    for (var slot = last.LastSlot + period; slot <= now; slot += period) runs.Add(BeatRuns.Run(name, slot, count: ++count));
                }
                if (StallNextPublish)
                {
                    StallNextPublish = false;
                    await Task.Delay(Lease + TimeSpan.FromMilliseconds(300), cancellationToken);
                }
                Duplicates += (await store.PublishAsync(lease, runs, cancellationToken)).Duplicates.Count;
                return true;
            }
            catch (BeatLeaseLostException)
            {
                LeaseLost++;
                return false;
            }
        }
    }
}
