using Celeriac.Beat;
using Celeriac.Beat.Store;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Beat;

/// <summary>Start, run, stop and dispose: the lease is given up on every way out, and a stopped beat does not start again.</summary>
public sealed class BeatLifecycleTests
{
    [Fact]
    public async Task RunBeatAsync_runs_until_its_token_fires_then_releases_the_lease()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        var schedule = LocalBeatSchedule.For(h.App.Transport, "default");
        using var stop = new CancellationTokenSource();
        var running = h.App.RunBeatAsync(o => o.StateFile = null, stop.Token);
        await Until.TrueAsync(() => schedule.Holder is not null, "the beat holds the lease");
        running.IsCompleted.Should().BeFalse();

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        schedule.Holder.Should().BeNull();
    }

    [Fact]
    public async Task A_stopped_beat_does_not_start_again_and_dispose_is_safe_twice_and_without_a_start()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        var beat = await bed.StartAsync(h);
        beat.IsPublisher.Should().BeTrue();
        await bed.StopAsync(beat);
        beat.IsPublisher.Should().BeFalse();
        await beat.Invoking(b => b.StartAsync()).Should().ThrowAsync<InvalidOperationException>();
        await beat.DisposeAsync();
        await beat.DisposeAsync();

        var never = h.App.CreateBeat();
        await never.DisposeAsync();
    }

    [Fact]
    public async Task A_one_off_entry_runs_once_at_its_instant_and_a_past_one_once_at_start()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        h.App.Beat.Add("later", BeatSchedule.At(BeatTestBed.Noon.AddMinutes(1)), "tasks.once");
        h.App.Beat.Add("past", BeatSchedule.At(BeatTestBed.Noon.AddMinutes(-1)), "tasks.once");
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromMinutes(3));
        bed.PublishedOf("later").Select(p => p.At).Should().Equal(BeatTestBed.Noon.AddMinutes(1));
        bed.PublishedOf("past").Select(p => (p.Slot, p.At)).Should().Equal([(BeatTestBed.Noon.AddMinutes(-1), BeatTestBed.Noon)],
            "a missed one-off follows its policy, Once by default (BeatOneOffTests)");
        (await h.App.Beat.ListAsync()).Should().OnlyContain(i => i.NextRuns.Count == 0);
    }
}
