using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Our beat (the InteropWorker's <c>--beat-only</c> with a schedule file) on real Redis next to
/// Python Celery 5.2.6: a Python worker runs what it publishes, and its message is the one
/// Python's own <c>celery beat</c> sends for the same entry.
/// </summary>
public sealed partial class BeatToPythonWorkerTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    [InteropFact]
    public Task A_python_worker_runs_what_our_beat_publishes_with_correct_results() =>
        BeatInteropScenarios.PythonWorkerRunsOurBeatAsync(cluster, output);

    [InteropFact]
    public async Task Our_beats_message_is_the_one_pythons_beat_sends_for_the_same_entry()
    {
        // task_v2_beat_published's entry, each beat on a queue nobody consumes.
        JsonObject Entry(string queue) => new()
        {
            ["task"] = "interop.add", ["schedule"] = 1.0, ["args"] = new JsonArray(16, 16),
            ["options"] = new JsonObject { ["queue"] = queue, ["expires"] = 10 },
        };
        var (ours, theirs) = (BeatInteropScenarios.NewName("shape-cx"), BeatInteropScenarios.NewName("shape-py"));
        using var files = new BeatFiles();
        var schedule = files.WriteSchedule(new JsonObject { [BeatInteropScenarios.NewName("shape")] = Entry(ours) });
        await using var python = await PythonBeat.StartAsync(cluster.Endpoints, new JsonObject { ["shape"] = Entry(theirs) }, files);
        await using var beat = await CeleriacBeatProcess.StartAsync(cluster.Endpoints, schedule, files.StatePath);
        string Context() => beat.Describe() + "\n" + python.Describe();
        await Poll.UntilAsync(async () => await cluster.QueueLengthAsync(ours) > 0 && await cluster.QueueLengthAsync(theirs) > 0, TimeSpan.FromSeconds(20), Context);
        var publishedBefore = DateTimeOffset.UtcNow;

        // LPUSH: the oldest is last.
        var expected = JsonNode.Parse((await cluster.Broker.ListAsync("LRANGE", theirs, "-1", "-1")).Single())!.AsObject();
        var actual = JsonNode.Parse((await cluster.Broker.ListAsync("LRANGE", ours, "-1", "-1")).Single())!.AsObject();
        output.WriteLine("python beat: " + expected.ToJsonString());
        output.WriteLine("our beat:    " + actual.ToJsonString());

        Keys(actual).Should().Equal(Keys(expected), "the envelope's fields in Python's order");
        Keys(actual["headers"]).Should().Equal(Keys(expected["headers"]), "the headers in Python's order");
        Keys(actual["properties"]).Should().Equal(Keys(expected["properties"]), "the properties in Python's order");
        // The body is the same value; its bytes differ only in json.dumps' spaces, as every Celeriac send's (docs/protocol.md §1).
        JsonNode Body(JsonObject envelope) => JsonNode.Parse(Convert.FromBase64String((string)envelope["body"]!))!;
        JsonAssert.Difference(Body(expected), Body(actual)).Should().BeNull("the body [args, kwargs, embed] is Python's");
        foreach (var field in new[] { "content-encoding", "content-type" }) actual[field]!.ToJsonString().Should().Be(expected[field]!.ToJsonString(), field);

        var (h, eh) = (actual["headers"]!.AsObject(), expected["headers"]!.AsObject());
        foreach (var (name, value) in eh.Where(p => p.Key is not ("id" or "root_id" or "origin" or "expires")))
            JsonAssert.Difference(value, h[name]).Should().BeNull($"header {name}");
        var id = (string)h["id"]!;
        id.Should().MatchRegex("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", "a run's id is a UUID v5 of entry and slot");
        ((string?)h["root_id"]).Should().Be(id);
        ((string?)h["origin"]).Should().MatchRegex(@"^\S+@\S+$");
        // expires: isoformat() with six fraction digits and an offset, 10 s after the publish.
        foreach (var expires in new[] { (string)h["expires"]!, (string)eh["expires"]! })
            expires.Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$");
        var ourExpiry = DateTimeOffset.Parse((string)h["expires"]!, System.Globalization.CultureInfo.InvariantCulture);
        (ourExpiry - publishedBefore).Should().BeCloseTo(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), "expires counts from the publish");

        var (p, ep) = (actual["properties"]!.AsObject(), expected["properties"]!.AsObject());
        foreach (var (name, value) in ep.Where(pair => pair.Key is not ("correlation_id" or "reply_to" or "delivery_tag" or "delivery_info")))
            JsonAssert.Difference(value, p[name]).Should().BeNull($"property {name}");
        ((string?)p["correlation_id"]).Should().Be(id);
        p["delivery_info"]!.ToJsonString().Should().Be(new JsonObject { ["exchange"] = "", ["routing_key"] = ours }.ToJsonString());
        ((string?)p["reply_to"]).Should().MatchRegex(UuidPattern().ToString());
        ((string?)p["delivery_tag"]).Should().MatchRegex(UuidPattern().ToString());
    }

    private static IEnumerable<string> Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key);

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex UuidPattern();
}
