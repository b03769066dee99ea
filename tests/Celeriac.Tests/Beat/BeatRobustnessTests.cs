using Celeriac.Beat;
using Celeriac.Memory;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Beat;

/// <summary>Bad entries and a failing broker: logged by name, the others run, the loop never dies.</summary>
public sealed class BeatRobustnessTests
{
    [Fact]
    public async Task An_entry_in_an_unknown_zone_is_logged_by_name_and_skipped_while_the_others_run()
    {
        await using var bed = new BeatTestBed();
        var logs = new RecordingLoggerFactory();
        var h = bed.App(o => o.LoggerFactory = logs);
        h.App.Beat.Add(new BeatEntry { Name = "mars-time", Schedule = BeatSchedule.Every(TimeSpan.FromSeconds(1)), Task = "tasks.tick", TimeZone = "Mars/Olympus_Mons" });
        h.App.Beat.Add("fine", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "tasks.tick");
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(3));

        bed.PublishedOf("fine").Should().HaveCount(3);
        bed.PublishedOf("mars-time").Should().BeEmpty();
        logs.Entries.Select(e => e.Message).Should().ContainSingle(m => m.Contains("mars-time") && m.Contains("Mars/Olympus_Mons"));
    }

    [Fact]
    public async Task An_edit_that_does_not_read_is_logged_by_name_and_the_others_run()
    {
        await using var bed = new BeatTestBed();
        var logs = new RecordingLoggerFactory();
        var h = bed.App(o => o.LoggerFactory = logs);
        h.App.Beat.Add("fine", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "tasks.tick");
        await bed.StartAsync(h);
        var store = new Celeriac.Beat.Store.LocalBeatStore(h.App.Transport, "default", bed.StateFile, bed.Clock);
        await store.WriteEditAsync("broken", "{\"task\": \"t\", \"schedule\": {\"crontab\": {\"minute\": \"61\"}}}", default);
        await bed.RunForAsync(TimeSpan.FromSeconds(3));

        bed.PublishedOf("fine").Should().HaveCount(3);
        logs.Entries.Select(e => e.Message).Should().Contain(m => m.Contains("broken"));
    }

    [Fact]
    public async Task A_broker_that_fails_is_retried_with_backoff_and_the_runs_go_out_once_it_is_back()
    {
        await using var bed = new BeatTestBed();
        FlakyDeclareTransport? flaky = null;
        var h = bed.App(o => o.Providers.AddTransport("memory", c => flaky = new FlakyDeclareTransport(InMemoryBroker.Named(c.Url.Host).CreateTransport())));
        h.App.Beat.Add("tick", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "tasks.tick");
        _ = h.App.Transport;
        flaky!.FailuresLeft = 5;
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(6));

        bed.Signals.Count(s => s.Signal.Kind == BeatSignalKind.Error).Should().Be(5);
        // Late by less than the grace: every run is published once the broker is back, in order.
        bed.PublishedOf("tick").Select(p => p.Slot).Should().Equal(Enumerable.Range(1, 6).Select(i => BeatTestBed.Noon.AddSeconds(i)));
        (await h.DrainAsync("celery")).Should().HaveCount(6);
    }
}
