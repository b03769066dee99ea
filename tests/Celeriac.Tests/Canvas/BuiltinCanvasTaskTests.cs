using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// The composite built-ins run on a worker from a message shaped as Python sends it (a plain task
/// message with the composite's pieces as kwargs); we check what they publish. Their members go to
/// a queue no worker reads, so only the built-in runs.
/// </summary>
public sealed class BuiltinCanvasTaskTests
{
    private static JsonObject Sig(string task, params int[] args) =>
        new Signature(task, new JsonArray(args.Select(a => (JsonNode?)a).ToArray()), options: new JsonObject { ["queue"] = "elsewhere" }).ToJson();

    private static List<TaskMessage> Sent(RetryTestBed bed, string task) =>
        bed.Published.Select(p => TaskMessageCodec.Decode(p.Message, [ContentTypes.Json])).Where(m => m.Task == task).ToList();

    [Fact]
    public async Task Every_app_has_the_composite_builtins()
    {
        await using var bed = RetryTestBed.Create();

        bed.App.Tasks.Names.Should().Contain(["celery.group", "celery.chain", "celery.chord", "celery.chunks"]);
    }

    [Fact]
    public async Task Celery_group_sends_every_task_with_the_group_id_and_partial_args()
    {
        await using var bed = RetryTestBed.Create();
        await bed.StartWorkerAsync();

        var sent = await bed.App.SendTaskAsync("celery.group", kwargs: new Dictionary<string, object?>
        {
            ["tasks"] = new JsonArray(Sig("tasks.add", 1), Sig("tasks.add", 2)),
            ["result"] = new JsonArray(new JsonArray("g1", null), new JsonArray()),
            ["group_id"] = "g1",
            ["partial_args"] = new JsonArray(10),
        });

        (await bed.FinishedAsync(sent.Id)).Should().Be(TaskStates.Success);
        var members = Sent(bed, "tasks.add");
        members.Select(m => m.Args.ToJsonString()).Should().Equal("[10,1]", "[10,2]");
        members.Should().OnlyContain(m => m.Group == "g1" && m.ParentId == sent.Id);
    }

    [Fact]
    public async Task Celery_chord_runs_the_chord_from_the_worker()
    {
        await using var bed = RetryTestBed.Create();
        await bed.StartWorkerAsync();
        var header = new Group(Signature.FromJson(Sig("tasks.add", 1, 1)), Signature.FromJson(Sig("tasks.add", 2, 2))).ToJson();

        var sent = await bed.App.SendTaskAsync("celery.chord", kwargs: new Dictionary<string, object?> { ["header"] = header, ["body"] = Sig("tasks.tsum"), ["kwargs"] = new JsonObject() });

        (await bed.FinishedAsync(sent.Id)).Should().Be(TaskStates.Success);
        var parts = Sent(bed, "tasks.add");
        parts.Select(p => p.GroupIndex).Should().Equal(0, 1);
        parts.Should().OnlyContain(p => p.Embed.Chord!["task"]!.GetValue<string>() == "tasks.tsum" && p.Group == parts[0].Group);
        var stored = await bed.StoredAsync(sent.Id);
        var body = ResultTuple.FromJson(stored.Result);
        body.Id.Should().Be(parts[0].Embed.Chord!["options"]!["task_id"]!.GetValue<string>());
        body.Parent!.Members!.Select(m => m.Id).Should().Equal(parts.Select(p => p.Id));
    }

    [Fact]
    public async Task Celery_chunks_sends_the_chunks_as_a_group_of_starmaps()
    {
        await using var bed = RetryTestBed.Create();
        await bed.StartWorkerAsync();

        var sent = await bed.App.SendTaskAsync("celery.chunks", args: [Sig("tasks.add"), new JsonArray(new JsonArray(1, 1), new JsonArray(2, 2), new JsonArray(3, 3)), 2]);

        (await bed.FinishedAsync(sent.Id)).Should().Be(TaskStates.Success);
        var starmaps = Sent(bed, "celery.starmap");
        starmaps.Select(s => s.Kwargs["it"]!.ToJsonString()).Should().Equal("[[1,1],[2,2]]", "[[3,3]]");
        starmaps.Should().OnlyContain(s => s.Group != null && s.Group == starmaps[0].Group);
        bed.Published.Where(p => TaskMessageCodec.Decode(p.Message, [ContentTypes.Json]).Task == "celery.starmap")
            .Should().OnlyContain(p => p.Route.RoutingKey == "celery", "a starmap is routed as its inner task is: tasks.add has no route of its own");
    }

    [Fact]
    public async Task Celery_chain_is_not_a_real_task_as_in_celery()
    {
        await using var bed = RetryTestBed.Create();
        await bed.StartWorkerAsync();

        var sent = await bed.App.SendTaskAsync("celery.chain", kwargs: new Dictionary<string, object?> { ["tasks"] = new JsonArray() });

        (await bed.FinishedAsync(sent.Id)).Should().Be(TaskStates.Failure);
        (await bed.StoredAsync(sent.Id)).Exception!.Type.Should().Be("NotImplementedError");
    }
}
