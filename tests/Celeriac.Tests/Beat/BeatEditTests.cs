using Celeriac.Beat;

namespace Celeriac.Tests.Beat;

/// <summary>Run-time edits while a beat runs: seen within a second, re-anchored at the edit, firing nothing extra.</summary>
public sealed class BeatEditTests
{
    private static readonly DateTimeOffset Noon = BeatTestBed.Noon;

    private static BeatEntry Every(string name, double seconds) =>
        new() { Name = name, Schedule = BeatSchedule.Every(TimeSpan.FromSeconds(seconds)), Task = "tasks.tick" };

    private static IEnumerable<double> Seconds(BeatTestBed bed, string entry) => bed.PublishedOf(entry).Select(p => (p.Slot - Noon).TotalSeconds);

    private static DateTimeOffset AppliedAfter(BeatTestBed bed, DateTimeOffset editAt) =>
        bed.Signals.Where(s => s.Signal.Kind == BeatSignalKind.EditsApplied && s.Signal.At >= editAt).Select(s => s.Signal.At).Min();

    [Fact]
    public async Task An_entry_added_at_run_time_counts_from_the_edit_and_is_seen_within_a_second()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        await bed.StartAsync(h);
        await bed.RunUntilAsync(Noon.AddSeconds(3.2));
        await h.App.Beat.SetAsync(Every("added", 5));
        await bed.RunUntilAsync(Noon.AddSeconds(20));

        (AppliedAfter(bed, Noon.AddSeconds(3.2)) - Noon.AddSeconds(3.2)).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
        Seconds(bed, "added").Should().Equal(8.2, 13.2, 18.2);
    }

    [Fact]
    public async Task Changing_an_entrys_schedule_re_anchors_it_at_the_edit_and_fires_nothing_for_the_change()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App(o => o.BeatSchedule = [Every("tick", 10)]);
        await bed.StartAsync(h);
        await bed.RunUntilAsync(Noon.AddSeconds(12));
        await h.App.Beat.SetAsync(Every("tick", 3));
        await bed.RunUntilAsync(Noon.AddSeconds(22));

        Seconds(bed, "tick").Should().Equal(10, 15, 18, 21);
        (await h.App.Beat.ListAsync()).Single().Entry.Schedule.Should().BeOfType<Celeriac.Beat.Schedules.IntervalSchedule>()
            .Which.Interval.Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_paused_entry_runs_nothing_and_on_resume_counts_from_the_resume()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App(o => o.BeatSchedule = [Every("tick", 2), Every("other", 5)]);
        await bed.StartAsync(h);
        await bed.RunUntilAsync(Noon.AddSeconds(4.5));
        await h.App.Beat.PauseAsync("tick");
        await bed.RunUntilAsync(Noon.AddSeconds(20.5));
        (await h.App.Beat.ListAsync()).Single(e => e.Entry.Name == "tick").Should().Match<BeatEntryInfo>(i => i.Entry.Paused && i.NextRuns.Count == 0);
        await h.App.Beat.ResumeAsync("tick");
        await bed.RunUntilAsync(Noon.AddSeconds(25));

        Seconds(bed, "tick").Should().Equal(2, 4, 22.5, 24.5);
        Seconds(bed, "other").Should().Equal(new double[] { 5, 10, 15, 20, 25 }, "the other entry is untouched");
    }

    [Fact]
    public async Task A_removed_entry_runs_no_more_and_one_set_again_starts_afresh()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App(o => o.BeatSchedule = [Every("tick", 2)]);
        await bed.StartAsync(h);
        await bed.RunUntilAsync(Noon.AddSeconds(5));
        await h.App.Beat.RemoveAsync("tick");
        await bed.RunUntilAsync(Noon.AddSeconds(15));
        (await h.App.Beat.ListAsync()).Should().BeEmpty();
        await h.App.Beat.SetAsync(Every("tick", 2));
        await bed.RunUntilAsync(Noon.AddSeconds(20));

        Seconds(bed, "tick").Should().Equal(2, 4, 17, 19);
    }

    [Fact]
    public async Task Run_now_sends_one_extra_message_with_its_own_id_and_leaves_the_schedule_alone()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App(o => o.BeatSchedule = [Every("tick", 10) with { Args = [1, 2] }]);
        await bed.StartAsync(h);
        await bed.RunUntilAsync(Noon.AddSeconds(3));
        var id = await h.App.Beat.RunNowAsync("tick");
        await bed.RunUntilAsync(Noon.AddSeconds(21));

        id.Should().Be(BeatTaskId.Uuid5("celeriac-beat:tick:manual:2030-01-01T12:00:03.000000Z"));
        var messages = (await h.DrainAsync("celery")).Select(m => m.Message).ToList();
        messages.Select(m => m.Id).Should().Equal(id, BeatTaskId.For("tick", Noon.AddSeconds(10)), BeatTaskId.For("tick", Noon.AddSeconds(20)));
        messages[0].Args.ToJsonString().Should().Be("[1,2]");
        await h.App.Beat.Invoking(b => b.RunNowAsync("nope")).Should().ThrowAsync<KeyNotFoundException>().WithMessage("*nope*");
    }

    [Fact]
    public async Task An_edit_made_while_no_beat_runs_is_kept_in_the_state_file_and_applied_by_the_next_beat()
    {
        await using var bed = new BeatTestBed();
        var tool = bed.App(); // another process (its own broker) editing the same schedule file
        await tool.App.Beat.SetAsync(Every("from-tool", 4));
        bed.Jump(TimeSpan.FromSeconds(1));
        var h = bed.App();
        await bed.StartAsync(h);
        await bed.RunUntilAsync(Noon.AddSeconds(9));
        Seconds(bed, "from-tool").Should().Equal(4, 8);
    }

    [Fact]
    public async Task Every_beat_re_anchors_at_the_edit_itself_so_a_take_over_plans_the_same_runs()
    {
        await using var bed = new BeatTestBed();
        var a = bed.App();
        var b = bed.App(sameBrokerAs: a);
        var beatA = await bed.StartAsync(a);
        var beatB = await bed.StartAsync(b);
        await bed.RunUntilAsync(Noon.AddSeconds(2.5));
        await a.App.Beat.SetAsync(Every("edited", 2));
        await bed.RunUntilAsync(Noon.AddSeconds(5));
        await bed.StopAsync(beatA.IsPublisher ? beatA : beatB);
        await bed.RunUntilAsync(Noon.AddSeconds(11));
        Seconds(bed, "edited").Should().Equal(4.5, 6.5, 8.5, 10.5);
    }
}
