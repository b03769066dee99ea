using Celeriac.Beat;
using Celeriac.Redis.Tests.Beat.Support;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Xunit.Abstractions;

namespace Celeriac.Redis.Tests.Beat;

/// <summary>
/// Three <see cref="CeleriacBeat"/> replicas in this process (three apps, three holders) on one real
/// Redis with a one-second entry: every slot published exactly once, by one replica, whatever
/// happens to the publisher; a crash hands over within the lease plus one renew interval, a stop at
/// once; an edit made through another app's <c>app.Beat</c> is seen within a second. The list on
/// Redis is the judge: what the workers would receive.
/// </summary>
public sealed class RedisBeatReplicaTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const string Entry = "tick";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _prefix = TestTransports.NewPrefix();

    private Task<BeatCluster> StartAsync(int replicas = 3) =>
        BeatCluster.StartAsync(redis.Server, _prefix, replicas, app => app.Beat.Add(Entry, new WholeSecondsSchedule(), "tasks.tick"));

    [RedisFact]
    public async Task Three_replicas_publish_each_one_second_slot_exactly_once()
    {
        await using var cluster = await StartAsync();
        await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.Published && cluster.Published.Count >= 10, Patience);
        await cluster.DisposeAsync();

        var published = cluster.Published;
        output.WriteLine($"{published.Count} runs by replicas {string.Join(",", published.Select(p => p.Replica).Distinct())}");
        published.Select(p => p.Replica).Distinct().Should().ContainSingle("one publisher while nothing happens to it");
        await AssertEverySlotOnceAsync(cluster);
    }

    [RedisFact]
    public async Task A_crashed_publisher_is_replaced_within_the_lease_plus_a_second_with_no_gap_and_no_duplicate()
    {
        await using var cluster = await StartAsync();
        var first = await cluster.PublisherAsync(Patience);
        await cluster.WaitForAsync(s => s.Replica == first && s.Signal.Kind == BeatSignalKind.Published && cluster.Published.Count >= 3, Patience);

        await cluster.CrashAsync(first);
        var crashedAt = cluster.Clock.Elapsed;
        var taken = await cluster.WaitForAsync(s => s.Replica != first && s.Signal.Kind == BeatSignalKind.LeaseAcquired && s.At > crashedAt, Patience);
        var takeOver = taken.At - crashedAt;
        await cluster.WaitForAsync(s => s.Replica == taken.Replica && s.Signal.Kind == BeatSignalKind.Published && s.At > taken.At + TimeSpan.FromSeconds(2), Patience);
        // Back on the broker, the old publisher finds its lease gone: it must publish nothing stale.
        await cluster.ReviveAsync(first);
        var revivedAt = cluster.Clock.Elapsed;
        await cluster.WaitForAsync(s => s.Replica == taken.Replica && s.Signal.Kind == BeatSignalKind.Published && s.At > revivedAt + TimeSpan.FromSeconds(3), Patience);
        await cluster.DisposeAsync();

        output.WriteLine($"take-over {takeOver.TotalMilliseconds:F0} ms after the crash (lease {cluster.Beats[0].Options.LeaseDuration.TotalSeconds} s, " +
                         $"renew {cluster.Beats[0].Options.LeaseRenewInterval.TotalSeconds} s); {cluster.Published.Count} runs");
        takeOver.Should().BeLessThan(cluster.Beats[0].Options.LeaseDuration + cluster.Beats[0].Options.LeaseRenewInterval + TimeSpan.FromSeconds(1.5),
            "lease + one renew interval, with a margin for a loaded machine");
        cluster.Published.Where(p => p.At > crashedAt).Should().OnlyContain(p => p.Replica != first, "the crashed replica published nothing after the crash");
        await AssertEverySlotOnceAsync(cluster);
    }

    [RedisFact]
    public async Task A_stopped_publisher_hands_over_at_once_with_no_gap_and_no_duplicate()
    {
        await using var cluster = await StartAsync();
        var first = await cluster.PublisherAsync(Patience);
        await cluster.WaitForAsync(s => s.Replica == first && s.Signal.Kind == BeatSignalKind.Published && cluster.Published.Count >= 2, Patience);

        var stoppedAt = cluster.Clock.Elapsed;
        await cluster.Beats[first].StopAsync();
        var taken = await cluster.WaitForAsync(s => s.Replica != first && s.Signal.Kind == BeatSignalKind.LeaseAcquired && s.At > stoppedAt, Patience);
        await cluster.WaitForAsync(s => s.Replica == taken.Replica && s.Signal.Kind == BeatSignalKind.Published && s.At > taken.At + TimeSpan.FromSeconds(2), Patience);
        await cluster.DisposeAsync();

        var takeOver = taken.At - stoppedAt;
        output.WriteLine($"take-over {takeOver.TotalMilliseconds:F0} ms after a graceful stop");
        takeOver.Should().BeLessThan(cluster.Beats[0].Options.LeaseRenewInterval + TimeSpan.FromSeconds(1.5), "the lease was released: the next renew of a standby takes it");
        await AssertEverySlotOnceAsync(cluster);
    }

    [RedisFact]
    public async Task Removing_the_entry_through_another_apps_Beat_stops_it_within_a_second()
    {
        await using var cluster = await StartAsync();
        await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.Published && cluster.Published.Count >= 2, Patience);
        var editor = cluster.Client();

        await editor.Beat.RemoveAsync(Entry);
        var removedAt = cluster.Clock.Elapsed;
        await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.EditsApplied && s.At > removedAt, Patience);
        await Task.Delay(TimeSpan.FromSeconds(3)); // long enough for three more slots, had the removal been missed
        await cluster.DisposeAsync();

        var late = cluster.Published.Where(p => p.At > removedAt + TimeSpan.FromSeconds(1.5)).ToList();
        late.Should().BeEmpty("the publisher reads the edits every loop, at most a second apart (with a margin for a loaded machine)");
        var applied = cluster.Signals.Where(s => s.Signal.Kind == BeatSignalKind.EditsApplied && s.At > removedAt).GroupBy(s => s.Replica).Select(g => g.Min(s => s.At) - removedAt).ToList();
        output.WriteLine($"edit applied by the replicas after {string.Join(", ", applied.Select(a => $"{a.TotalMilliseconds:F0} ms"))}");
        applied.Should().HaveCount(3).And.OnlyContain(a => a < TimeSpan.FromSeconds(2.5));
    }

    [RedisFact]
    public async Task Pause_resume_and_a_new_entry_set_through_another_apps_Beat_take_effect_within_a_second()
    {
        const string every = "every-second";
        static void Define(CeleriacApp app) => app.Beat.Add(every, BeatSchedule.Every(TimeSpan.FromSeconds(1)), "tasks.tick");
        await using var cluster = await BeatCluster.StartAsync(redis.Server, _prefix, 3, Define);
        await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.Published && cluster.Published.Count >= 2, Patience);
        var editor = cluster.Client();
        Define(editor); // the editor resolves the entry it pauses from its own definitions and the stored edits

        await editor.Beat.PauseAsync(every);
        var pausedAt = cluster.Clock.Elapsed;
        var pausedWall = DateTimeOffset.UtcNow;
        await AllAppliedAsync(cluster, pausedAt);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await editor.Beat.ResumeAsync(every);
        var resumedAt = cluster.Clock.Elapsed;
        var resumedWall = DateTimeOffset.UtcNow;
        var resumed = await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.Published && s.At > resumedAt, Patience);
        await editor.Beat.SetAsync(new BeatEntry { Name = "added", Schedule = BeatSchedule.Every(TimeSpan.FromSeconds(1)), Task = "tasks.added" });
        var setAt = cluster.Clock.Elapsed;
        var added = await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.Published && s.Signal.Entry == "added", Patience);
        await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.Published && s.Signal.Entry == "added" && s.At > added.At + TimeSpan.FromSeconds(1.5), Patience);
        await cluster.DisposeAsync();

        output.WriteLine($"resumed entry published {(resumed.At - resumedAt).TotalMilliseconds:F0} ms after the resume, " +
                         $"new entry {(added.At - setAt).TotalMilliseconds:F0} ms after it was set (each first runs one interval after the edit)");
        var published = cluster.Published;
        published.Where(p => p.At > pausedAt + TimeSpan.FromSeconds(1.5) && p.At < resumedAt).Should().BeEmpty("paused within a second (plus a margin for a loaded machine)");
        published.Where(p => p.Signal.Entry == every && p.At > resumedAt).Select(p => p.Signal.Slot).Should()
            .OnlyContain(slot => slot > resumedWall - TimeSpan.FromMilliseconds(50), "a resume re-anchors: none of the slots missed while paused are published");
        published.Where(p => p.Signal.Entry == every && p.Signal.Slot > pausedWall && p.Signal.Slot < resumedWall).Should().BeEmpty();
        (resumed.At - resumedAt).Should().BeLessThan(TimeSpan.FromSeconds(3.5), "seen within a second, then one interval, with a margin");
        (added.At - setAt).Should().BeLessThan(TimeSpan.FromSeconds(3.5), "seen within a second, then one interval, with a margin");
        published.Select(p => (p.Signal.Entry, p.Signal.TaskId)).Should().OnlyHaveUniqueItems();
        await using var raw = TestTransports.Client(redis.Server);
        (await raw.RunAsync("LLEN", _prefix + "celery")).AsInt64().Should().Be(published.Count, "every publish signalled is on the list once");
    }

    private static async Task AllAppliedAsync(BeatCluster cluster, TimeSpan editedAt)
    {
        for (var i = 0; i < cluster.Beats.Count; i++)
        {
            var replica = i;
            await cluster.WaitForAsync(s => s.Replica == replica && s.Signal.Kind == BeatSignalKind.EditsApplied && s.At > editedAt, Patience);
        }
    }

    /// <summary>The list holds one message per slot from the first to the last published, each second, nothing twice.</summary>
    private async Task AssertEverySlotOnceAsync(BeatCluster cluster)
    {
        var published = cluster.Published.Select(p => p.Signal).ToList();
        published.Should().NotBeEmpty();
        published.Select(p => p.Slot).Should().OnlyHaveUniqueItems("no slot published twice");
        var slots = published.Select(p => p.Slot).Order().ToList();
        for (var i = 1; i < slots.Count; i++) (slots[i] - slots[i - 1]).Should().Be(TimeSpan.FromSeconds(1), "no slot skipped ({0})", slots[i]);

        await using var raw = TestTransports.Client(redis.Server);
        var ids = (await raw.ListAsync(_prefix + "celery")).Select(v =>
            Protocol.Messages.KombuEnvelope.Decode(System.Text.Encoding.UTF8.GetBytes(v)).Message.Headers["id"]!.GetValue<string>()).Reverse().ToList();
        ids.Should().Equal(slots.Select(s => BeatTaskId.For(Entry, s)), "the list holds each slot's message once, in order");
    }
}
