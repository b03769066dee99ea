using Celeriac.Beat;
using Celeriac.Beat.Schedules;

namespace Celeriac.Tests.Beat;

/// <summary>app.Beat's definitions: Add overloads, CeleriacOptions.BeatSchedule, AddFile with errors that name the file and the entry.</summary>
public sealed class BeatEntriesTests
{
    [Fact]
    public async Task Add_turns_args_and_kwargs_into_json_and_replaces_an_entry_of_the_same_name()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App(o => o.BeatSchedule = [new BeatEntry { Name = "from-options", Schedule = BeatSchedule.Every(TimeSpan.FromSeconds(5)), Task = "t.a" }]);
        var add = h.App.Task("t.add", (Delegate)((int x, int y) => x + y)); // the untyped handle
        h.App.Beat.Add("sum", BeatSchedule.Every(TimeSpan.FromSeconds(1)), add, [2, 3.5, "x", null], new Dictionary<string, object?> { ["when"] = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        h.App.Beat.Add("sum", BeatSchedule.Every(TimeSpan.FromSeconds(2)), add, [2, 3]);

        h.App.Beat.Defined.Select(e => e.Name).Should().Equal("from-options", "sum");
        var sum = h.App.Beat.Defined.Single(e => e.Name == "sum");
        sum.Task.Should().Be("t.add");
        sum.Args.ToJsonString().Should().Be("[2,3]");
        ((IntervalSchedule)sum.Schedule).Interval.Should().Be(TimeSpan.FromSeconds(2));

        var first = h.App.Beat.Add("kw", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "t.kw", ["a"], new Dictionary<string, object?> { ["n"] = 1.5 });
        first.Kwargs.ToJsonString().Should().Be("{\"n\":1.5}");
        first.MissedRuns.Should().Be(MissedRunPolicy.Once, "Celery's behaviour is the default");
    }

    [Fact]
    public async Task AddFile_reads_celerys_beat_schedule_json_and_a_bad_entry_names_the_file_and_the_entry()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        var good = Path.Combine(Path.GetDirectoryName(bed.StateFile)!, "schedule.json");
        await File.WriteAllTextAsync(good, """
            {"every-second": {"task": "interop.record", "schedule": 1.0, "args": ["beat:log", "tick"], "options": {"queue": "celery", "expires": 60}},
             "workdays": {"task": "interop.add", "schedule": {"crontab": {"minute": "30", "hour": "7", "day_of_week": "mon-fri"}}, "kwargs": {"x": 1, "y": 2}}}
            """);
        var added = h.App.Beat.AddFile(good);
        added.Select(e => e.Name).Should().Equal("every-second", "workdays");
        h.App.Beat.Defined.Should().HaveCount(2);

        var bad = Path.Combine(Path.GetDirectoryName(bed.StateFile)!, "bad.json");
        await File.WriteAllTextAsync(bad, """{"broken-entry": {"task": "t", "schedule": {"crontab": {"minute": "61"}}}}""");
        h.App.Invoking(a => a.Beat.AddFile(bad)).Should().Throw<FormatException>().Which.Message.Should().Contain(bad).And.Contain("broken-entry");
        await File.WriteAllTextAsync(bad, "{not json");
        h.App.Invoking(a => a.Beat.AddFile(bad)).Should().Throw<FormatException>().Which.Message.Should().Contain(bad);
    }

    [Fact]
    public async Task Edits_of_an_entry_that_is_not_in_force_say_so()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        await h.App.Beat.Invoking(b => b.PauseAsync("ghost")).Should().ThrowAsync<KeyNotFoundException>().WithMessage("*ghost*");
        await h.App.Beat.Invoking(b => b.ResumeAsync("ghost")).Should().ThrowAsync<KeyNotFoundException>().WithMessage("*ghost*");
    }
}
