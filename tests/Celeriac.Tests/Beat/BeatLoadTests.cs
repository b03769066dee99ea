using System.Diagnostics;
using Celeriac.Beat;
using Xunit.Abstractions;

namespace Celeriac.Tests.Beat;

/// <summary>Many entries on one beat (in memory, with and without a state file): every run once, on time; prints the CPU cost per run.</summary>
public sealed class BeatLoadTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ten_thousand_entries_due_every_second_are_each_published_once_per_second_on_time(bool stateFile)
    {
        const int entries = 10_000, seconds = 5;
        await using var bed = new BeatTestBed();
        var h = bed.App(o => { if (!stateFile) o.BeatScheduleFilename = null; });
        for (var i = 0; i < entries; i++) h.App.Beat.Add($"e{i}", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "tasks.tick", [i]);
        await bed.StartAsync(h);

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await bed.RunForAsync(TimeSpan.FromSeconds(seconds));
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        output.WriteLine($"state file {stateFile}: {entries * seconds} runs in {wall.Elapsed.TotalSeconds:F2} s wall, {used.TotalMilliseconds / (entries * seconds) * 1000:F1} µs CPU per run");

        bed.Published.Should().HaveCount(entries * seconds);
        bed.Published.Should().OnlyContain(p => p.At == p.Slot, "each published at its slot");
        bed.Published.Select(p => p.TaskId).Should().OnlyHaveUniqueItems();
        h.Broker.Depth("celery").Should().Be(entries * seconds);
    }
}
