using Celeriac.Beat;

namespace Celeriac.Tests.Beat;

/// <summary>Intervals are anchored to their slots: an hour of a 10 s entry fires every slot exactly once, on time, with derived ids.</summary>
public sealed class BeatIntervalTests
{
    [Fact]
    public async Task A_10_second_interval_over_one_virtual_hour_fires_every_slot_exactly_once_with_no_drift()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        h.App.Beat.Add("every-10s", BeatSchedule.Every(TimeSpan.FromSeconds(10)), "tasks.tick");
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromHours(1));

        var runs = bed.PublishedOf("every-10s");
        runs.Select(r => r.Slot).Should().Equal(Enumerable.Range(1, 360).Select(i => BeatTestBed.Noon.AddSeconds(10 * i)));
        runs.Should().OnlyContain(r => r.At == r.Slot, "published at the slot itself");
        runs.Select(r => r.TaskId).Should().Equal(runs.Select(r => BeatTaskId.For("every-10s", r.Slot)));
        var messages = await h.DrainAsync("celery");
        messages.Select(m => m.Message.Id).Should().Equal(runs.Select(r => r.TaskId));
    }
}
