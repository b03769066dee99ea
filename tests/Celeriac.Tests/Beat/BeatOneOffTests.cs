using Celeriac.Beat;

namespace Celeriac.Tests.Beat;

/// <summary>
/// One-off entries (<see cref="BeatSchedule.At"/>) whose instant has already passed when a beat first
/// sees them: the missed-run policy decides, as for a run missed while beat was down; one that ran
/// (or was skipped) never runs again, after a restart or a take-over.
/// </summary>
public sealed class BeatOneOffTests
{
    private static readonly DateTimeOffset Instant = BeatTestBed.Noon.AddMinutes(2);

    // The beat first sees the entry at 12:05:30, 3.5 minutes after its instant (past the 10 s grace).
    public static TheoryData<string, bool> Policies => new()
    {
        { "once", true },
        { "skip", false },
        { "all", true },
        { "within-300s", true },
        { "within-120s", false },
    };

    private static MissedRunPolicy Policy(string name) => name switch
    {
        "once" => MissedRunPolicy.Once,
        "skip" => MissedRunPolicy.Skip,
        "all" => MissedRunPolicy.All(),
        "within-300s" => MissedRunPolicy.Within(TimeSpan.FromSeconds(300)),
        _ => MissedRunPolicy.Within(TimeSpan.FromSeconds(120)),
    };

    private static BeatEntry OneOff(MissedRunPolicy policy, DateTimeOffset? at = null) =>
        new() { Name = "report", Schedule = BeatSchedule.At(at ?? Instant), Task = "tasks.report", MissedRuns = policy };

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task A_one_off_first_seen_after_its_instant_follows_its_missed_run_policy(string policy, bool runs)
    {
        await using var bed = new BeatTestBed(BeatTestBed.Noon.AddMinutes(5).AddSeconds(30));
        var h = bed.App();
        h.App.Beat.Add(OneOff(Policy(policy)));
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromMinutes(2));

        var published = bed.PublishedOf("report");
        if (runs)
        {
            published.Select(p => (p.Slot, p.At)).Should().Equal([(Instant, BeatTestBed.Noon.AddMinutes(5).AddSeconds(30))], "once, at start, with its own slot");
            published[0].TaskId.Should().Be(BeatTaskId.For("report", Instant));
            (await h.DrainAsync("celery")).Should().ContainSingle();
        }
        else
        {
            published.Should().BeEmpty();
            (await h.DrainAsync("celery")).Should().BeEmpty();
        }
        (await h.App.Beat.ListAsync()).Single().NextRuns.Should().BeEmpty("it is done either way");
    }

    [Fact]
    public async Task A_one_off_past_by_less_than_the_grace_is_on_time_and_published_even_under_skip()
    {
        var start = Instant.AddSeconds(4);
        await using var bed = new BeatTestBed(start);
        var h = bed.App();
        h.App.Beat.Add(OneOff(MissedRunPolicy.Skip));
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(30));
        bed.PublishedOf("report").Select(p => (p.Slot, p.At)).Should().Equal((Instant, start));
    }

    [Fact]
    public async Task A_one_off_that_ran_never_runs_again_after_a_restart_on_the_same_state()
    {
        await using var bed = new BeatTestBed(BeatTestBed.Noon.AddMinutes(5));
        var first = bed.App();
        first.App.Beat.Add(OneOff(MissedRunPolicy.Once));
        var beat = await bed.StartAsync(first);
        await bed.RunForAsync(TimeSpan.FromSeconds(5));
        bed.PublishedOf("report").Should().ContainSingle();
        await bed.StopAsync(beat);

        bed.Jump(TimeSpan.FromMinutes(10)); // down; the instant is now 13 minutes past
        var second = bed.App();
        second.App.Beat.Add(OneOff(MissedRunPolicy.Once));
        await bed.StartAsync(second);
        await bed.RunForAsync(TimeSpan.FromMinutes(1));
        bed.PublishedOf("report").Should().ContainSingle("the recorded slot is its instant");
        (await second.DrainAsync("celery")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_skipped_one_off_is_recorded_and_stays_skipped_after_a_restart()
    {
        await using var bed = new BeatTestBed(BeatTestBed.Noon.AddMinutes(5));
        var first = bed.App();
        first.App.Beat.Add(OneOff(MissedRunPolicy.Skip));
        var beat = await bed.StartAsync(first);
        await bed.RunForAsync(TimeSpan.FromSeconds(5));
        await bed.StopAsync(beat);

        // The same entry under the default policy: had the skip not been recorded, Once would run it now.
        var second = bed.App();
        second.App.Beat.Add(OneOff(MissedRunPolicy.Once));
        await bed.StartAsync(second);
        await bed.RunForAsync(TimeSpan.FromMinutes(1));
        bed.PublishedOf("report").Should().BeEmpty();
    }

    [Fact]
    public async Task A_one_off_that_ran_is_not_run_again_by_the_beat_that_takes_over()
    {
        await using var bed = new BeatTestBed(BeatTestBed.Noon.AddMinutes(5));
        var a = bed.App(o => o.BeatSchedule = [OneOff(MissedRunPolicy.Once)]);
        var b = bed.App(o => o.BeatSchedule = [OneOff(MissedRunPolicy.Once)], sameBrokerAs: a);
        var beatA = await bed.StartAsync(a);
        var beatB = await bed.StartAsync(b);
        var (publisher, standby) = beatA.IsPublisher ? (beatA, beatB) : (beatB, beatA);
        await bed.RunForAsync(TimeSpan.FromSeconds(5));
        bed.PublishedOf("report").Should().ContainSingle();

        await bed.StopAsync(publisher);
        await bed.RunForAsync(TimeSpan.FromMinutes(1));
        standby.IsPublisher.Should().BeTrue();
        bed.PublishedOf("report").Should().ContainSingle();
        (await a.DrainAsync("celery")).Should().ContainSingle();
    }

    [Fact]
    public async Task A_one_off_added_at_run_time_for_a_past_instant_runs_once_and_a_resume_after_it_ran_fires_nothing()
    {
        await using var bed = new BeatTestBed(BeatTestBed.Noon.AddMinutes(5));
        var h = bed.App();
        await bed.StartAsync(h);
        await h.App.Beat.SetAsync(OneOff(MissedRunPolicy.Once));
        await bed.RunForAsync(TimeSpan.FromSeconds(5));
        bed.PublishedOf("report").Select(p => p.Slot).Should().Equal(Instant);

        await h.App.Beat.PauseAsync("report");
        await bed.RunForAsync(TimeSpan.FromSeconds(5));
        await h.App.Beat.ResumeAsync("report");
        await bed.RunForAsync(TimeSpan.FromMinutes(1));
        bed.PublishedOf("report").Should().ContainSingle("its state records the instant; an edit re-anchors, never back");
    }
}
