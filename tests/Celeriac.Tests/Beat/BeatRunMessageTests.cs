using System.Text.Json.Nodes;
using Celeriac.Beat;
using Celeriac.Memory;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.TestSupport;

namespace Celeriac.Tests.Beat;

/// <summary>A run's message is what Python's beat sends (vector task_v2_beat_published), with a task id derived from the run.</summary>
public sealed class BeatRunMessageTests
{
    [Theory]
    // Expected ids computed by Python: uuid.uuid5(uuid.NAMESPACE_URL, s).
    [InlineData("e", "2030-01-01T00:00:10Z", "celeriac-beat:e:2030-01-01T00:00:10.000000Z", "26e9f52f-1da3-5c93-9438-94b54692dfdb")]
    [InlineData("nightly report", "2030-03-31T03:00:00+02:00", "celeriac-beat:nightly report:2030-03-31T01:00:00.000000Z", "6f236a85-8383-58c0-b8e0-35c45354f7ba")]
    [InlineData("ünïcode", "2030-01-01T12:00:00.123456Z", "celeriac-beat:ünïcode:2030-01-01T12:00:00.123456Z", "6c3112e9-7987-5b2f-a7df-fc3615003e04")]
    public void The_task_id_is_Pythons_uuid5_of_the_entry_and_the_slot_in_UTC(string entry, string slot, string name, string id)
    {
        var at = DateTimeOffset.Parse(slot, System.Globalization.CultureInfo.InvariantCulture);
        BeatTaskId.Name(entry, at).Should().Be(name);
        BeatTaskId.For(entry, at).Should().Be(id);
    }

    [Fact]
    public async Task A_published_run_matches_the_vector_field_by_field_except_id_times_and_origin()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        var slot = BeatTestBed.Noon.AddSeconds(2);
        h.App.Beat.Add("add-every-2", BeatSchedule.At(slot), "tasks.add", [16, 16], options: new TaskSendOptions { Queue = "celery", ExpiresIn = TimeSpan.FromSeconds(10) });
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(5));

        var published = bed.PublishedOf("add-every-2").Should().ContainSingle().Subject;
        published.Slot.Should().Be(slot);
        published.At.Should().Be(slot, "on a virtual clock the loop wakes exactly at the slot");
        var taken = new List<(string Queue, StoredMessage Message)>();
        h.Broker.Queue("celery").TakeInto(taken, 10).Should().Be(1);
        var stored = taken[0].Message;
        var ours = KombuEnvelope.ToDocument(stored.Message!, stored.Route, "tag");
        var vector = GoldenVectors.Load("task_v2_beat_published")["messages"]![0]!;
        var python = vector["envelope"]!.AsObject();

        var id = BeatTaskId.For("add-every-2", slot);
        var expires = PythonDateTime.Format(published.At.AddSeconds(10));
        var headers = ours["headers"]!.AsObject();
        headers["id"]!.GetValue<string>().Should().Be(id);
        headers["root_id"]!.GetValue<string>().Should().Be(id);
        headers["expires"]!.GetValue<string>().Should().Be(expires);
        headers["origin"]!.GetValue<string>().Should().MatchRegex(@"^gen\d+@");
        ours["properties"]!["correlation_id"]!.GetValue<string>().Should().Be(id);

        foreach (var key in new[] { "id", "root_id", "expires", "origin" })
        {
            headers.Remove(key);
            python["headers"]!.AsObject().Remove(key);
        }
        foreach (var key in new[] { "correlation_id", "reply_to", "delivery_tag" })
        {
            ours["properties"]!.AsObject().Remove(key);
            python["properties"]!.AsObject().Remove(key);
        }
        JsonNode.DeepEquals(ours["headers"], python["headers"]).Should().BeTrue($"headers: ours {ours["headers"]!.ToJsonString()} vs Python {python["headers"]!.ToJsonString()}");
        JsonNode.DeepEquals(ours["properties"], python["properties"]).Should().BeTrue($"properties: ours {ours["properties"]!.ToJsonString()} vs Python {python["properties"]!.ToJsonString()}");
        // The body as JSON (the bytes differ only in json.dumps' spaces; both are the same value).
        JsonNode.DeepEquals(JsonNode.Parse(stored.Message!.Body.Span), vector["body_decoded"]).Should().BeTrue("body");
        foreach (var key in new[] { "content-encoding", "content-type" })
            JsonNode.DeepEquals(ours[key], python[key]).Should().BeTrue(key);
        // Python's key order too: a field-by-field match in the order its json.dumps writes them.
        ours["headers"]!.AsObject().Select(p => p.Key).Should().Equal(python["headers"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task An_entry_adds_only_its_own_headers_and_keeps_its_routing_priority_and_time_limits()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        h.App.Beat.Add("custom", BeatSchedule.At(BeatTestBed.Noon.AddSeconds(1)), "tasks.custom", kwargs: new Dictionary<string, object?> { ["x"] = 1 },
            options: new TaskSendOptions
            {
                Queue = "reports", Priority = 7, TimeLimit = TimeSpan.FromSeconds(30), SoftTimeLimit = TimeSpan.FromSeconds(20),
                Headers = new Dictionary<string, object?> { ["tenant"] = "acme" },
            });
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(2));

        var messages = await h.DrainAsync("reports");
        var message = messages.Should().ContainSingle().Subject.Message;
        message.Task.Should().Be("tasks.custom");
        message.Kwargs.ToJsonString().Should().Be("{\"x\":1}");
        message.ExtraHeaders.ToJsonString().Should().Be("{\"tenant\":\"acme\"}");
        message.Properties.Priority.Should().Be(7);
        message.TimeLimits.Should().Be(new TimeLimits(30, 20));
        message.Expires.Should().BeNull();
        message.ParentId.Should().BeNull();
    }
}
