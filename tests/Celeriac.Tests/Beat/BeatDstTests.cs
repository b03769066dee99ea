using Celeriac.Beat;

namespace Celeriac.Tests.Beat;

/// <summary>DST through the running loop (the schedules' own rules are tested in Schedules/): each transition night in Berlin, run by a beat.</summary>
public sealed class BeatDstTests
{
    private static readonly DateTimeOffset FallBackEve = new(2030, 10, 26, 23, 0, 0, TimeSpan.Zero);  // Berlin: 27 Oct 2030 03:00 CEST → 02:00 CET
    private static readonly DateTimeOffset SpringEve = new(2030, 3, 30, 23, 0, 0, TimeSpan.Zero);     // Berlin: 31 Mar 2030 02:00 CET → 03:00 CEST

    private static void Coarse(BeatOptions o)
    {
        // A night in one-minute steps; the lease lasts longer than a step.
        o.MaxLoopInterval = TimeSpan.FromMinutes(1);
        o.LeaseRenewInterval = TimeSpan.FromMinutes(1);
        o.LeaseDuration = TimeSpan.FromMinutes(3);
    }

    private static BeatEntry Entry(string name, BeatSchedule schedule) => new() { Name = name, Schedule = schedule, Task = "tasks.tick", TimeZone = "Europe/Berlin" };

    [Fact]
    public async Task At_fall_back_a_fixed_time_entry_fires_once_and_a_stepped_one_in_both_hours()
    {
        await using var bed = new BeatTestBed(FallBackEve);
        var h = bed.App(o => o.BeatSchedule =
        [
            Entry("crontab-fixed", BeatSchedule.Crontab(minute: "30", hour: "2")),
            Entry("cron-fixed", BeatSchedule.Cron("30 2 * * *")),
            Entry("crontab-stepped", BeatSchedule.Crontab(minute: "*/30")),
        ]);
        await bed.StartAsync(h, Coarse);
        await bed.RunUntilAsync(FallBackEve.AddHours(3));

        var once = new DateTimeOffset(2030, 10, 27, 0, 30, 0, TimeSpan.Zero); // 02:30 CEST, the first 02:30
        bed.PublishedOf("crontab-fixed").Select(p => p.Slot).Should().Equal(once);
        bed.PublishedOf("cron-fixed").Select(p => p.Slot).Should().Equal(once);
        bed.PublishedOf("crontab-stepped").Select(p => (p.Slot - FallBackEve).TotalMinutes).Should().Equal(30, 60, 90, 120, 150, 180);
        bed.Published.Should().OnlyContain(p => p.At == p.Slot);
    }

    [Fact]
    public async Task At_spring_forward_a_run_in_the_gap_fires_at_the_gaps_end()
    {
        await using var bed = new BeatTestBed(SpringEve);
        var h = bed.App(o => o.BeatSchedule = [Entry("crontab-fixed", BeatSchedule.Crontab(minute: "30", hour: "2")), Entry("cron-fixed", BeatSchedule.Cron("30 2 * * *"))]);
        await bed.StartAsync(h, Coarse);
        await bed.RunUntilAsync(SpringEve.AddHours(4));

        var gapEnd = new DateTimeOffset(2030, 3, 31, 1, 0, 0, TimeSpan.Zero); // 03:00 CEST
        bed.PublishedOf("crontab-fixed").Select(p => p.Slot).Should().Equal(gapEnd);
        bed.PublishedOf("cron-fixed").Select(p => p.Slot).Should().Equal(gapEnd);
    }
}
