using System.Text;
using Celeriac.Beat;
using Celeriac.Memory;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Beat;

/// <summary>
/// Runs built ahead of their instant (CeleriacBeat.PrebuildDue) go out exactly as if built when due:
/// same envelope bytes, `expires` still counted from the publish, an edit in between wins.
/// </summary>
public sealed class BeatPrebuildTests
{
    private static List<StoredMessage> Take(TestHarness h, string queue = "celery")
    {
        var taken = new List<(string Queue, StoredMessage Message)>();
        h.Broker.Queue(queue).TakeInto(taken, 1000);
        return taken.Select(t => t.Message).ToList();
    }

    [Fact]
    public async Task A_message_with_serialized_headers_encodes_to_the_same_envelope_bytes()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        var entry = new BeatEntry
        {
            Name = "ünï", Schedule = BeatSchedule.Every(TimeSpan.FromSeconds(1)), Task = "tasks.add", Args = [1.5, "é\"\\ <>&'", null],
            Options = new TaskSendOptions { Priority = 3, Headers = new Dictionary<string, object?> { ["x-tag"] = "☃", ["n"] = 7 } },
        };
        var (run, _) = new BeatRunFactory(h.App).Run(entry, bed.Now, 1);
        var compact = run.Message.WithSerializedHeaders();

        Encoding.UTF8.GetString(KombuEnvelope.Encode(compact, run.Route, "tag")).Should().Be(Encoding.UTF8.GetString(KombuEnvelope.Encode(run.Message, run.Route, "tag")));
        compact.Headers.ToJsonString().Should().Be(run.Message.Headers.ToJsonString(), "the headers read back the same");
    }

    [Fact]
    public async Task Runs_built_ahead_are_the_messages_built_when_due()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        var entry = h.App.Beat.Add("tick", BeatSchedule.Cron("* * * * * *"), "tasks.add", [2, 3], options: new TaskSendOptions { Priority = 5 });
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(5.5));

        var stored = Take(h);
        stored.Should().HaveCount(5);
        var factory = new BeatRunFactory(h.App);
        for (var i = 0; i < stored.Count; i++)
        {
            var slot = BeatTestBed.Noon.AddSeconds(i + 1);
            var fresh = factory.Run(entry, slot, i + 1).Run;
            stored[i].Route.Should().Be(fresh.Route);
            Encoding.UTF8.GetString(KombuEnvelope.Encode(stored[i].Message!, stored[i].Route, "tag"))
                .Should().Be(Encoding.UTF8.GetString(KombuEnvelope.Encode(fresh.Message, fresh.Route, "tag")), $"run {i + 1}");
        }
    }

    [Fact]
    public async Task Expires_of_an_entry_counts_from_each_publish_not_from_the_wake_before_it()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        h.App.Beat.Add("expiring", BeatSchedule.Cron("* * * * * *"), "tasks.tick", options: new TaskSendOptions { ExpiresIn = TimeSpan.FromSeconds(10) });
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(4.5));

        var published = bed.PublishedOf("expiring");
        published.Should().HaveCount(4);
        Take(h).Select(m => m.Message!.Headers["expires"]!.GetValue<string>())
            .Should().Equal(published.Select(p => PythonDateTime.Format(p.At.AddSeconds(10))));
    }

    [Fact]
    public async Task An_edit_after_a_run_was_built_ahead_publishes_the_edited_definition()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        h.App.Beat.Add("tick", BeatSchedule.Cron("* * * * * *"), "tasks.add", [1]);
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(2.5)); // 12:00:01, :02 out; :03 built ahead
        await h.App.Beat.SetAsync(new BeatEntry { Name = "tick", Schedule = BeatSchedule.Cron("* * * * * *"), Task = "tasks.add", Args = [2] });
        await bed.RunForAsync(TimeSpan.FromSeconds(2)); // :03, :04

        var args = Take(h).Select(m => CeleryJson.Parse(m.Message!.Body.Span)![0]![0]!.GetValue<int>()).ToList();
        args.Should().Equal(1, 1, 2, 2);
    }
}
