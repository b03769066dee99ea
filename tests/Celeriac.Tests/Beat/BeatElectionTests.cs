using Celeriac.Beat;
using Celeriac.Beat.Store;

namespace Celeriac.Tests.Beat;

/// <summary>Several beats in one process on one in-memory broker: one publisher, every run exactly once, take-over on stop and on death.</summary>
public sealed class BeatElectionTests
{
    private static BeatEntry EverySecond => new() { Name = "every-1s", Schedule = BeatSchedule.Every(TimeSpan.FromSeconds(1)), Task = "tasks.tick" };

    private static BeatEntry EverySeven => new() { Name = "every-7s", Schedule = BeatSchedule.Every(TimeSpan.FromSeconds(7)), Task = "tasks.tick" };

    [Fact]
    public async Task Two_beats_on_one_broker_elect_one_publisher_and_publish_each_run_once()
    {
        await using var bed = new BeatTestBed();
        var a = bed.App(o => o.BeatSchedule = [EverySecond, EverySeven]);
        var b = bed.App(o => o.BeatSchedule = [EverySecond, EverySeven], sameBrokerAs: a);
        var beatA = await bed.StartAsync(a);
        var beatB = await bed.StartAsync(b);
        (beatA.IsPublisher ^ beatB.IsPublisher).Should().BeTrue("exactly one holds the lease");

        await bed.RunForAsync(TimeSpan.FromSeconds(60));

        bed.PublishedOf("every-1s").Select(p => p.Slot).Should().Equal(Enumerable.Range(1, 60).Select(i => BeatTestBed.Noon.AddSeconds(i)));
        bed.PublishedOf("every-7s").Select(p => p.Slot).Should().Equal(Enumerable.Range(1, 8).Select(i => BeatTestBed.Noon.AddSeconds(7 * i)));
        bed.Signals.Where(s => s.Signal.Kind == BeatSignalKind.Published).Select(s => s.Beat).Distinct().Should().ContainSingle();
        (await a.DrainAsync("celery")).Select(m => m.Message.Id).Should().OnlyHaveUniqueItems().And.HaveCount(68);
    }

    [Fact]
    public async Task When_the_publisher_stops_the_other_takes_over_within_a_renew_and_no_run_is_lost_or_repeated()
    {
        await using var bed = new BeatTestBed();
        var a = bed.App(o => o.BeatSchedule = [EverySecond]);
        var b = bed.App(o => o.BeatSchedule = [EverySecond], sameBrokerAs: a);
        var beatA = await bed.StartAsync(a);
        var beatB = await bed.StartAsync(b);
        var (publisher, standby) = beatA.IsPublisher ? (beatA, beatB) : (beatB, beatA);

        await bed.RunForAsync(TimeSpan.FromSeconds(10.5));
        await bed.StopAsync(publisher);
        var stoppedAt = bed.Now;
        await bed.RunForAsync(TimeSpan.FromSeconds(10));

        var acquired = bed.Signals.Where(s => s.Beat == standby && s.Signal.Kind == BeatSignalKind.LeaseAcquired).Select(s => s.Signal.At).Should().ContainSingle().Subject;
        (acquired - stoppedAt).Should().BeLessThanOrEqualTo(standby.Options.LeaseRenewInterval, "the lease is released on stop");
        bed.PublishedOf("every-1s").Select(p => p.Slot).Should().Equal(Enumerable.Range(1, 20).Select(i => BeatTestBed.Noon.AddSeconds(i)));
    }

    [Fact]
    public async Task When_the_publisher_dies_without_releasing_the_other_takes_over_within_lease_plus_renew_and_catches_up()
    {
        await using var bed = new BeatTestBed();
        var a = bed.App(o => o.BeatSchedule = [EverySecond]);
        var b = bed.App(o => o.BeatSchedule = [EverySecond], sameBrokerAs: a);
        var beatA = await bed.StartAsync(a);
        var beatB = await bed.StartAsync(b);
        var (publisher, standby) = beatA.IsPublisher ? (beatA, beatB) : (beatB, beatA);

        await bed.RunForAsync(TimeSpan.FromSeconds(10.5));
        bed.Signals.Count(s => s.Beat == standby && s.Signal.Kind == BeatSignalKind.LeaseAcquired).Should().Be(0);
        await publisher.AbandonAsync(); // killed: the lease stays until it expires
        await bed.StopAsync(publisher);
        var diedAt = bed.Now;
        await bed.RunForAsync(TimeSpan.FromSeconds(10));

        var acquired = bed.Signals.Where(s => s.Beat == standby && s.Signal.Kind == BeatSignalKind.LeaseAcquired).Select(s => s.Signal.At).Should().ContainSingle().Subject;
        (acquired - diedAt).Should().BeLessThanOrEqualTo(standby.Options.LeaseDuration + standby.Options.LeaseRenewInterval);
        // The runs due while nobody held the lease are late by less than the grace: published, once, in order.
        bed.PublishedOf("every-1s").Select(p => p.Slot).Should().Equal(Enumerable.Range(1, 20).Select(i => BeatTestBed.Noon.AddSeconds(i)));
        (await a.DrainAsync("celery")).Should().HaveCount(20);
    }

    [Fact]
    public async Task A_beat_whose_lease_expired_while_it_was_paused_publishes_nothing_and_stands_by()
    {
        await using var bed = new BeatTestBed();
        var a = bed.App(o => o.BeatSchedule = [EverySecond]);
        var beat = await bed.StartAsync(a);
        await bed.RunForAsync(TimeSpan.FromSeconds(3.5));
        bed.PublishedOf("every-1s").Should().HaveCount(3);

        // Pause the beat: hold the schedule's gate, so its next store call waits; meanwhile its lease expires and another holder takes it.
        var schedule = LocalBeatSchedule.For(a.App.Transport, "default");
        await schedule.Gate.WaitAsync();
        var sleeps = beat.Signals.Sleeps;
        bed.Clock.Advance(TimeSpan.FromSeconds(5));
        schedule.ExpiresAt.Should().BeBefore(bed.Now);
        schedule.Holder = "thief";
        schedule.Term++;
        schedule.ExpiresAt = bed.Now + TimeSpan.FromMinutes(10);
        schedule.Gate.Release();
        await beat.Signals.WaitForSleepAsync(sleeps);

        await bed.RunForAsync(TimeSpan.FromSeconds(5));
        beat.IsPublisher.Should().BeFalse();
        bed.Signals.Should().Contain(s => s.Signal.Kind == BeatSignalKind.LeaseLost);
        bed.PublishedOf("every-1s").Should().HaveCount(3, "nothing after the lease was lost");
        (await a.DrainAsync("celery")).Should().HaveCount(3);
    }

    [Fact]
    public async Task The_store_refuses_a_batch_prepared_under_a_lease_that_has_since_been_lost()
    {
        await using var bed = new BeatTestBed();
        var a = bed.App();
        var first = new LocalBeatStore(a.App.Transport, "s", null, bed.Clock);
        var second = new LocalBeatStore(a.App.Transport, "s", null, bed.Clock);
        var lease = (await first.TryAcquireAsync("one", TimeSpan.FromSeconds(3), default))!;
        (await second.TryAcquireAsync("two", TimeSpan.FromSeconds(3), default)).Should().BeNull();
        var factory = new BeatRunFactory(a.App);
        var entry = new BeatEntry { Name = "e", Schedule = BeatSchedule.At(bed.Now), Task = "tasks.tick" };
        var run = factory.Run(entry, bed.Now, 1).Run;

        bed.Clock.Advance(TimeSpan.FromSeconds(3));
        var taken = (await second.TryAcquireAsync("two", TimeSpan.FromSeconds(3), default))!;
        taken.Term.Should().BeGreaterThan(lease.Term);
        await first.Invoking(s => s.PublishAsync(lease, [run], default).AsTask()).Should().ThrowAsync<BeatLeaseLostException>();
        await first.Invoking(s => s.WriteStatesAsync(lease, new Dictionary<string, BeatEntryState> { ["e"] = run.NewState }, default).AsTask())
            .Should().ThrowAsync<BeatLeaseLostException>();
        a.Broker.Depth("celery").Should().Be(0);

        // The holder publishes it once; the same run again is a duplicate, not sent.
        (await second.PublishAsync(taken, [run], default)).Published.Should().Be(1);
        (await second.PublishAsync(taken, [run], default)).Duplicates.Should().ContainSingle();
        a.Broker.Depth("celery").Should().Be(1);
        await second.ReleaseAsync(taken, default);
        (await first.TryAcquireAsync("one", TimeSpan.FromSeconds(3), default))!.Term.Should().BeGreaterThan(taken.Term);
    }
}
