using Celeriac.Beat;

namespace Celeriac.Tests.Beat;

/// <summary>ListAsync: the entries in force with their state and next runs, in UTC and in each entry's zone (a dry run).</summary>
public sealed class BeatListTests
{
    [Fact]
    public async Task Lists_each_entry_with_its_state_and_next_runs_in_utc_and_its_zone()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App(o => o.Timezone = "Europe/Berlin");
        h.App.Beat.Add("every-10s", BeatSchedule.Every(TimeSpan.FromSeconds(10)), "tasks.tick");
        h.App.Beat.Add(new BeatEntry { Name = "nine-berlin", Schedule = BeatSchedule.Crontab(minute: "0", hour: "9"), Task = "tasks.report" });
        h.App.Beat.Add(new BeatEntry { Name = "nine-new-york", Schedule = BeatSchedule.Crontab(minute: "0", hour: "9"), Task = "tasks.report", TimeZone = "America/New_York" });
        await bed.StartAsync(h);
        await bed.RunUntilAsync(BeatTestBed.Noon.AddSeconds(25));

        var list = await h.App.Beat.ListAsync(nextRuns: 3);
        list.Select(i => i.Entry.Name).Should().Equal("every-10s", "nine-berlin", "nine-new-york");

        var interval = list[0];
        interval.TotalRunCount.Should().Be(2);
        interval.LastRunAt.Should().Be(BeatTestBed.Noon.AddSeconds(20));
        interval.NextRuns.Select(r => r.Utc).Should().Equal(BeatTestBed.Noon.AddSeconds(30), BeatTestBed.Noon.AddSeconds(40), BeatTestBed.Noon.AddSeconds(50));
        interval.NextRuns[0].Local.Offset.Should().Be(TimeSpan.FromHours(1), "read in the app's zone, Berlin in winter");

        var berlin = list[1];
        berlin.TotalRunCount.Should().Be(0);
        berlin.LastRunAt.Should().BeNull();
        berlin.NextRuns.Select(r => r.Utc).Should().Equal(
            new DateTimeOffset(2030, 1, 2, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 1, 3, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 1, 4, 8, 0, 0, TimeSpan.Zero));
        berlin.NextRuns[0].Local.Should().Be(new DateTimeOffset(2030, 1, 2, 9, 0, 0, TimeSpan.FromHours(1)));

        var newYork = list[2];
        newYork.NextRuns[0].Utc.Should().Be(new DateTimeOffset(2030, 1, 1, 14, 0, 0, TimeSpan.Zero));
        newYork.NextRuns[0].Local.Should().Be(new DateTimeOffset(2030, 1, 1, 9, 0, 0, TimeSpan.FromHours(-5)));
    }

    [Fact]
    public async Task Lists_without_a_running_beat_from_code_entries_counting_from_now()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        h.App.Beat.Add("every-minute", BeatSchedule.Every(TimeSpan.FromMinutes(1)), "tasks.tick");
        var info = (await h.App.Beat.ListAsync(nextRuns: 2)).Should().ContainSingle().Subject;
        info.NextRuns.Select(r => r.Utc).Should().Equal(BeatTestBed.Noon.AddMinutes(1), BeatTestBed.Noon.AddMinutes(2));
        info.NextRuns[0].Local.Should().Be(BeatTestBed.Noon.AddMinutes(1));
    }
}
