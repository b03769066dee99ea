using Celeriac.Beat;

namespace Celeriac.Tests.Beat;

/// <summary>
/// Each missed-run policy on the acceptance scenario: a 1-minute cron, the beat down from 12:00:30
/// to 12:05:30 (stopped, then a new beat in a new app — a new process — on the same state file).
/// </summary>
public sealed class BeatMissedRunTests
{
    public static TheoryData<string, int, string[]> Policies => new()
    {
        { "skip", 0, [] },
        { "once", 1, ["12:05:00"] },
        { "all", 5, ["12:01:00", "12:02:00", "12:03:00", "12:04:00", "12:05:00"] },
        { "within-120s", 2, ["12:04:00", "12:05:00"] },
    };

    private static MissedRunPolicy Policy(string name) => name switch
    {
        "skip" => MissedRunPolicy.Skip,
        "once" => MissedRunPolicy.Once,
        "all" => MissedRunPolicy.All(),
        _ => MissedRunPolicy.Within(TimeSpan.FromSeconds(120)),
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task After_downtime_a_policy_publishes_exactly_its_missed_runs_then_the_schedule_goes_on(string policy, int count, string[] slots)
    {
        await using var bed = new BeatTestBed(BeatTestBed.Noon.AddSeconds(-30));
        var entry = new BeatEntry { Name = "minutely", Schedule = BeatSchedule.Cron("* * * * *"), Task = "tasks.tick", MissedRuns = Policy(policy) };

        var first = bed.App();
        first.App.Beat.Add(entry);
        var beat = await bed.StartAsync(first);
        await bed.RunUntilAsync(BeatTestBed.Noon.AddSeconds(30));
        bed.PublishedOf("minutely").Select(p => p.Slot).Should().Equal(BeatTestBed.Noon);
        await bed.StopAsync(beat);

        bed.Jump(TimeSpan.FromMinutes(5)); // 12:05:30, nothing running
        var second = bed.App();
        second.App.Beat.Add(entry);
        await bed.StartAsync(second);
        await bed.RunForAsync(TimeSpan.FromSeconds(1));

        var caughtUp = bed.PublishedOf("minutely").Skip(1).ToList();
        caughtUp.Should().HaveCount(count);
        caughtUp.Select(p => p.Slot.ToString("HH:mm:ss")).Should().Equal(slots);
        caughtUp.Where(p => p.At != BeatTestBed.Noon.AddMinutes(5).AddSeconds(30)).Should().BeEmpty("they are published at once on start");
        caughtUp.Select(p => p.TaskId).Should().Equal(caughtUp.Select(p => BeatTaskId.For("minutely", p.Slot)));
        (await second.DrainAsync("celery")).Should().HaveCount(count);

        // Then on schedule: 12:06 once, nothing else.
        await bed.RunUntilAsync(BeatTestBed.Noon.AddMinutes(6).AddSeconds(10));
        bed.PublishedOf("minutely").Skip(1 + count).Select(p => p.Slot).Should().Equal(BeatTestBed.Noon.AddMinutes(6));
    }

    [Fact]
    public async Task Runs_late_by_less_than_the_grace_are_all_published_whatever_the_policy()
    {
        await using var bed = new BeatTestBed();
        var entry = new BeatEntry { Name = "every-2s", Schedule = BeatSchedule.Every(TimeSpan.FromSeconds(2)), Task = "tasks.tick", MissedRuns = MissedRunPolicy.Skip };
        var first = bed.App();
        first.App.Beat.Add(entry);
        var beat = await bed.StartAsync(first);
        await bed.RunForAsync(TimeSpan.FromSeconds(4.5)); // 12:00:02, 12:00:04
        await bed.StopAsync(beat);
        bed.Jump(TimeSpan.FromSeconds(7)); // 12:00:11.5: 06, 08, 10 are late by 5.5 s at most, under the 10 s grace

        var second = bed.App();
        second.App.Beat.Add(entry);
        await bed.StartAsync(second);
        await bed.RunForAsync(TimeSpan.FromSeconds(1));
        bed.PublishedOf("every-2s").Select(p => (p.Slot - BeatTestBed.Noon).TotalSeconds).Should().Equal(2, 4, 6, 8, 10, 12);
    }

    [Fact]
    public void The_planner_keeps_the_newest_missed_runs_without_walking_a_year_of_seconds()
    {
        var now = BeatTestBed.Noon;
        var plan = BeatPlanner.Plan(BeatSchedule.Every(TimeSpan.FromSeconds(1)), TimeZoneInfo.Utc, now.AddDays(-365), now, TimeSpan.FromSeconds(10), MissedRunPolicy.All(3));
        plan.LastSlot.Should().Be(now);
        plan.NextDue.Should().Be(now.AddSeconds(1));
        // The 11 on-time slots (now-10 s … now) and the 3 newest missed ones before them.
        plan.Publish.Should().HaveCount(14);
        plan.Publish[0].Should().Be(now.AddSeconds(-13));
        plan.Publish.Should().BeInAscendingOrder();
        plan.Skipped.Should().BeGreaterThan(31_000_000);
    }
}
