using System.Text.Json.Nodes;
using Celeriac.Beat;

namespace Celeriac.Tests.Beat;

/// <summary>The local state file: written with each run, atomically; a new beat on it continues without a repeat or an early run.</summary>
public sealed class BeatStateFileTests
{
    private static BeatEntry EveryMinute => new() { Name = "every-minute", Schedule = BeatSchedule.Every(TimeSpan.FromMinutes(1)), Task = "tasks.tick" };

    [Fact]
    public async Task A_new_beat_on_the_same_file_continues_an_entry_not_yet_due_keeps_its_due_time()
    {
        await using var bed = new BeatTestBed();
        var first = bed.App(o => o.BeatSchedule = [EveryMinute]);
        var beat = await bed.StartAsync(first);
        await bed.RunUntilAsync(BeatTestBed.Noon.AddMinutes(2).AddSeconds(30));
        bed.PublishedOf("every-minute").Select(p => p.Slot).Should().Equal(BeatTestBed.Noon.AddMinutes(1), BeatTestBed.Noon.AddMinutes(2));
        await bed.StopAsync(beat);

        var file = JsonNode.Parse(File.ReadAllText(bed.StateFile))!;
        file["entries"]!["every-minute"]!["last_slot"]!.GetValue<string>().Should().Be("2030-01-01T12:02:00+00:00");
        file["entries"]!["every-minute"]!["total_run_count"]!.GetValue<long>().Should().Be(2);
        file["entries"]!["every-minute"]!["last_task_id"]!.GetValue<string>().Should().Be(BeatTaskId.For("every-minute", BeatTestBed.Noon.AddMinutes(2)));

        bed.Jump(TimeSpan.FromSeconds(10)); // down 12:02:30 → 12:02:40: the 12:03 run is not yet due
        var second = bed.App(o => o.BeatSchedule = [EveryMinute]); // a new process: its own broker, the same file
        await bed.StartAsync(second);
        await bed.RunUntilAsync(BeatTestBed.Noon.AddMinutes(4).AddSeconds(30));

        bed.PublishedOf("every-minute").Select(p => (p.Slot, p.At)).Should().Equal(
            (BeatTestBed.Noon.AddMinutes(1), BeatTestBed.Noon.AddMinutes(1)),
            (BeatTestBed.Noon.AddMinutes(2), BeatTestBed.Noon.AddMinutes(2)),
            (BeatTestBed.Noon.AddMinutes(3), BeatTestBed.Noon.AddMinutes(3)),
            (BeatTestBed.Noon.AddMinutes(4), BeatTestBed.Noon.AddMinutes(4)));
        (await second.DrainAsync("celery")).Should().HaveCount(2);
    }

    [Fact]
    public async Task An_interval_entry_without_state_first_runs_one_interval_after_start_and_the_anchor_is_recorded()
    {
        await using var bed = new BeatTestBed();
        var first = bed.App(o => o.BeatSchedule = [EveryMinute]);
        var beat = await bed.StartAsync(first);
        await bed.RunForAsync(TimeSpan.FromSeconds(20));
        bed.PublishedOf("every-minute").Should().BeEmpty();
        JsonNode.Parse(File.ReadAllText(bed.StateFile))!["entries"]!["every-minute"]!["last_slot"]!.GetValue<string>().Should().Be("2030-01-01T12:00:00+00:00");
        await bed.StopAsync(beat);

        // Restarted before its first run: it keeps counting from the first start.
        var second = bed.App(o => o.BeatSchedule = [EveryMinute]);
        await bed.StartAsync(second);
        await bed.RunUntilAsync(BeatTestBed.Noon.AddSeconds(70));
        bed.PublishedOf("every-minute").Select(p => p.At).Should().Equal(BeatTestBed.Noon.AddMinutes(1));
    }

    [Fact]
    public async Task A_state_file_that_does_not_read_fails_the_start_with_its_name()
    {
        await using var bed = new BeatTestBed();
        await File.WriteAllTextAsync(bed.StateFile, "{not json");
        var app = bed.App();
        var beat = app.App.CreateBeat();
        await beat.Invoking(b => b.StartAsync()).Should().ThrowAsync<FormatException>().WithMessage($"*{bed.StateFile}*");
    }
}
