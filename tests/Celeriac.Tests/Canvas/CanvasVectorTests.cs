using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Protocol.Messages;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// The messages the worker publishes while carrying a canvas on, compared field by field with what
/// Python Celery 5.2.6's worker published in the same situation (vectors
/// <c>task_v2_link_callback_sent_by_worker</c>, <c>task_v2_old_style_errback_sent_by_worker</c>,
/// <c>task_v2_chord_body_sent_by_worker</c>) and the metas it stored. Only what belongs to one run
/// differs: fresh ids, the group id, <c>reply_to</c> (the producer's oid), <c>origin</c>, the delivery tag.
/// </summary>
public sealed class CanvasVectorTests : IAsyncLifetime
{
    private CanvasBed _c = null!;

    public async Task InitializeAsync() => _c = await CanvasBed.StartAsync(register: app =>
    {
        app.Task("tasks.add", (long x, long y) => x + y);
        app.Task("tasks.mul", (long x, long y) => x * y);
        app.Task("tasks.tsum", (List<long> numbers) => numbers.Sum());
        app.Task("tasks.fail", (string message) => { throw new InvalidOperationException(message); });
        app.Task("tasks.on_error_old", (string taskId) => taskId);
    });

    public async Task DisposeAsync() => await _c.DisposeAsync();

    [Fact]
    public async Task A_link_callback_is_published_as_Pythons_worker_publishes_it_and_listed_in_children()
    {
        const string parent = "b9000000-0000-4000-8000-000000000009";
        await _c.SendAsync(new Signature("tasks.add", [1, 2], options: new JsonObject { ["task_id"] = parent }).Link(new Signature("tasks.mul", [10])));

        var meta = await _c.DoneAsync(parent);

        var vector = RetryTestBed.Vector("task_v2_link_callback_sent_by_worker")["messages"]![0]!.AsObject();
        var ours = Published("tasks.mul");
        AssertSameEnvelope(ours, Expected(vector, ours, "id", "group"));
        var expectedMeta = RetryTestBed.Vector("result_success_with_children")["result"]!["decoded"]!.DeepClone().AsObject();
        expectedMeta["children"]![0]![0]![0] = ours["headers"]!["id"]!.GetValue<string>();
        expectedMeta["date_done"] = meta.ToJson()["date_done"]!.DeepClone();
        JsonNode.DeepEquals(meta.ToJson(), expectedMeta).Should().BeTrue($"ours:\n{meta.ToJson()}\npython:\n{expectedMeta}");
    }

    [Fact]
    public async Task An_errback_is_published_old_style_in_a_group_as_Pythons_worker_publishes_it()
    {
        const string failed = "b8000000-0000-4000-8000-000000000008";
        await _c.SendAsync(new Signature("tasks.fail", ["boom"], options: new JsonObject { ["task_id"] = failed }).LinkError(new Signature("tasks.on_error_old")));

        await _c.DoneAsync(failed);

        var vector = RetryTestBed.Vector("task_v2_old_style_errback_sent_by_worker")["messages"]![0]!.AsObject();
        var ours = Published("tasks.on_error_old");
        ours["headers"]!["group"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        AssertSameEnvelope(ours, Expected(vector, ours, "id", "group"));
    }

    [Fact]
    public async Task A_chord_body_is_published_as_Pythons_worker_publishes_it()
    {
        var body = new Signature("tasks.tsum", options: new JsonObject { ["reply_to"] = "185dc3f6-ad96-3895-8ab2-54b2cea89d3f" });
        var (_, parts) = await ChordTests.SendChordAsync(_c, body, new Signature("tasks.add", [1, 1]), new Signature("tasks.add", [2, 2]), new Signature("tasks.add", [3, 3]));

        var meta = await _c.DoneAsync(body.Id!);

        var vector = RetryTestBed.Vector("task_v2_chord_body_sent_by_worker")["messages"]![0]!.AsObject();
        var ours = Published("tasks.tsum");
        var last = ours["headers"]!["parent_id"]!.GetValue<string>();
        parts.Should().Contain(last);
        // The frozen body id and reply_to travel as frozen; parent and root are the part that finished last.
        AssertSameEnvelope(ours, Expected(vector, ours, "id", "parent_id", "root_id"));
        ours["properties"]!["reply_to"]!.GetValue<string>().Should().Be("185dc3f6-ad96-3895-8ab2-54b2cea89d3f");

        var expectedMeta = RetryTestBed.Vector("result_chord_body_success")["result"]!["decoded"]!.DeepClone().AsObject();
        expectedMeta["date_done"] = meta.ToJson()["date_done"]!.DeepClone();
        expectedMeta["parent_id"] = last;
        expectedMeta["task_id"] = body.Id;
        JsonNode.DeepEquals(meta.ToJson(), expectedMeta).Should().BeTrue($"ours:\n{meta.ToJson()}\npython:\n{expectedMeta}");
    }

    private JsonObject Published(string task)
    {
        var (raw, route) = _c.Bed.Published.Single(p => p.Message.Headers["task"]!.GetValue<string>() == task);
        return RetryTestBed.Envelope(raw, route);
    }

    /// <summary>The vector's envelope with the run-specific values (the listed headers, ids, reply_to, origin) taken from ours.</summary>
    private static JsonObject Expected(JsonObject vector, JsonObject ours, params string[] runHeaders)
    {
        var expected = vector["envelope"]!.DeepClone().AsObject();
        expected["body"] = vector["body_decoded"]!.DeepClone();
        expected["properties"]!.AsObject().Remove("delivery_tag");
        foreach (var header in runHeaders.Append("origin")) expected["headers"]![header] = ours["headers"]![header]?.DeepClone();
        expected["properties"]!["correlation_id"] = ours["properties"]!["correlation_id"]!.DeepClone();
        expected["properties"]!["reply_to"] = ours["properties"]!["reply_to"]!.DeepClone();
        return expected;
    }

    private static void AssertSameEnvelope(JsonObject ours, JsonObject python)
    {
        JsonNode.DeepEquals(ours, python).Should().BeTrue($"ours:\n{ours}\npython:\n{python}");
        ours["headers"]!.AsObject().Select(p => p.Key).Should().Equal(python["headers"]!.AsObject().Select(p => p.Key), "header order as Python writes it");
    }
}
