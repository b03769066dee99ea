using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary><see cref="TaskContext.Replace"/>, Celery 5.2.6's <c>Task.replace</c> with a plain signature.</summary>
public sealed class ReplaceTests : IAsyncLifetime
{
    private CanvasBed _c = null!;

    public async Task InitializeAsync() => _c = await CanvasBed.StartAsync(register: app =>
    {
        app.Task("c.replaced", (long x, TaskContext ctx) => { throw ctx.Replace(new Signature("c.add", [x, 1])); });
        app.Task("c.replaced_by_group", (TaskContext ctx) => { throw ctx.Replace(Signature.FromJson(new JsonObject { ["task"] = "celery.group", ["kwargs"] = new JsonObject { ["tasks"] = new JsonArray() }, ["subtask_type"] = "group" })); });
    });

    public async Task DisposeAsync() => await _c.DisposeAsync();

    [Fact]
    public async Task The_replacement_runs_under_the_task_id_and_keeps_its_callbacks()
    {
        var sent = await _c.SendAsync(new Signature("c.replaced", [4]).Link(new Signature("c.mul", [10])));

        (await _c.Bed.FinishedAsync(sent.Id)).Should().Be(TaskStates.Ignored, "the replaced run stores nothing");
        var replacement = _c.Sent("c.add").Should().ContainSingle().Subject;
        replacement.Id.Should().Be(sent.Id);
        replacement.ParentId.Should().Be(sent.Id);
        replacement.RootId.Should().Be(sent.Id);
        (await _c.App.Result(sent.Id).GetAsync(TimeSpan.FromSeconds(10)))!.GetValue<long>().Should().Be(5);
        var callback = _c.Sent("c.mul").Should().ContainSingle().Subject;
        (await _c.DoneAsync(callback.Id)).Result!.GetValue<long>().Should().Be(50);
    }

    [Fact]
    public async Task A_replaced_chain_step_carries_the_rest_of_the_chain()
    {
        Signature[] steps = [new("c.add", [1, 1]), new("c.replaced"), new("c.mul", [10])];
        var ids = steps.Select(s => s.Freeze()).ToList();

        await _c.SendAsync(CanvasBed.Chain(steps));

        (await _c.DoneAsync(ids[2])).Result!.GetValue<long>().Should().Be(30, "(1 + 1) replaced by add(2, 1) = 3, then * 10");
        (await _c.Bed.StoredAsync(ids[1])).Result!.GetValue<long>().Should().Be(3);
    }

    [Fact]
    public async Task A_replaced_chord_header_part_is_still_one_part()
    {
        var body = new Signature("c.xsum");
        var (_, parts) = await ChordTests.SendChordAsync(_c, body, new Signature("c.add", [1, 1]), new Signature("c.replaced", [10]));

        (await _c.DoneAsync(body.Id!)).Result!.GetValue<long>().Should().Be(13);
        _c.SentWithId(body.Id!).Args.ToJsonString().Should().Be("[[2,11]]");
        parts.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_composite_replacement_fails_the_task_with_a_clear_reason_until_composites_can_be_sent()
    {
        var sent = await _c.SendAsync(new Signature("c.replaced_by_group"));

        var meta = await _c.DoneAsync(sent.Id);

        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be(nameof(NotSupportedException));
        meta.Exception.Message.Should().Contain("group");
    }

    [Fact]
    public void A_replacement_that_is_part_of_a_chord_is_refused_as_Celery_does()
    {
        var context = new TaskContext(_c.App, new Protocol.Messages.TaskMessage { Task = "t", Id = "i" }, "h", null, false, default);
        var sig = new Signature("c.add", [1, 1], options: new JsonObject { ["chord"] = new Signature("c.xsum").ToJson() });

        context.Replace(sig).Should().BeOfType<CeleryException>().Which.ExcType.Should().Be("ImproperlyConfigured");
    }
}
