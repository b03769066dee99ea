using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary><see cref="TaskContext.Replace"/>, Celery 5.2.6's <c>Task.replace</c> with plain and composite signatures.</summary>
public sealed class ReplaceTests : IAsyncLifetime
{
    private CanvasBed _c = null!;

    public async Task InitializeAsync() => _c = await CanvasBed.StartAsync(register: app =>
    {
        app.Task("c.replaced", (long x, TaskContext ctx) => { throw ctx.Replace(new Signature("c.add", [x, 1])); });
        app.Task("c.replaced_by_group", (long x, TaskContext ctx) => { throw ctx.Replace(new Group(new Signature("c.add", [x, 1]), new Signature("c.add", [x, 2]))); });
        app.Task("c.replaced_by_chain", (long x, TaskContext ctx) => { throw ctx.Replace(new Chain(new Signature("c.add", [x, 1]), new Signature("c.mul", [2]))); });
        app.Task("c.replaced_by_empty_chain", (TaskContext ctx) => { throw ctx.Replace(new Chain()); });
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
    public async Task A_group_replacing_a_chain_step_becomes_a_chord_and_the_chain_continues_with_its_results()
    {
        Signature[] steps = [new("c.add", [1, 1]), new("c.replaced_by_group"), new("c.echo")];
        var ids = steps.Select(s => s.Freeze()).ToList();

        await _c.SendAsync(CanvasBed.Chain(steps));

        (await _c.DoneAsync(ids[2])).Result!.ToJsonString().Should().Be("[[3,4]]", "add(2, 1), add(2, 2) gathered by accumulate, then passed on");
        var body = _c.Sent("celery.accumulate").Should().ContainSingle().Subject;
        body.Id.Should().Be(ids[1], "the group was uplifted to a chord whose body takes the replaced task's id");
        body.Kwargs.ToJsonString().Should().Be("""{"index":0}""");
        (await _c.Bed.StoredAsync(ids[1])).Result!.ToJsonString().Should().Be("[3,4]");
        var parts = _c.Sent("c.add").Where(m => m.Group is not null).ToList();
        parts.Should().HaveCount(2);
        parts.Should().OnlyContain(m => m.ParentId == ids[1] && m.RootId == ids[0], "the header is sent from inside the replaced task");
        parts.Select(m => m.GroupIndex).Should().Equal(0, 1);
    }

    [Fact]
    public async Task A_chain_replacement_ends_under_the_task_id_and_keeps_its_callbacks()
    {
        var sent = await _c.SendAsync(new Signature("c.replaced_by_chain", [4]).Link(new Signature("c.mul", [10])));

        (await _c.App.Result(sent.Id).GetAsync(TimeSpan.FromSeconds(10)))!.GetValue<long>().Should().Be(10, "(4 + 1) * 2 under the replaced task's id");
        _c.Sent("c.mul").Should().Contain(m => m.Id == sent.Id, "the chain's last step takes the replaced task's id");
        var callback = _c.Sent("c.mul").Should().ContainSingle(m => m.Id != sent.Id, "the callback is linked once, onto the last step").Subject;
        (await _c.DoneAsync(callback.Id)).Result!.GetValue<long>().Should().Be(100);
        var first = _c.Sent("c.add").Should().ContainSingle().Subject;
        first.ParentId.Should().Be(sent.Id);
        first.Properties.Extra!["replaced_task_nesting"]!.GetValue<int>().Should().Be(1, "Celery 5.2.6 sends it as a message property");
    }

    [Fact]
    public async Task A_chain_replacing_a_chain_step_runs_before_the_rest_of_the_chain()
    {
        Signature[] steps = [new("c.add", [1, 1]), new("c.replaced_by_chain"), new("c.add", [100])];
        var ids = steps.Select(s => s.Freeze()).ToList();

        await _c.SendAsync(CanvasBed.Chain(steps));

        (await _c.DoneAsync(ids[2])).Result!.GetValue<long>().Should().Be(106, "((1 + 1) + 1) * 2 + 100");
        (await _c.Bed.StoredAsync(ids[1])).Result!.GetValue<long>().Should().Be(6);
    }

    [Fact]
    public async Task A_group_replacing_a_task_with_a_callback_gives_the_callback_all_results()
    {
        var sent = await _c.SendAsync(new Signature("c.replaced_by_group", [10]).Link(new Signature("c.xsum")));

        (await _c.App.Result(sent.Id).GetAsync(TimeSpan.FromSeconds(10)))!.ToJsonString().Should().Be("[11,12]");
        var callback = _c.Sent("c.xsum").Should().ContainSingle().Subject;
        (await _c.DoneAsync(callback.Id)).Result!.GetValue<long>().Should().Be(23);
    }

    [Fact]
    public async Task A_group_replacing_a_chord_header_part_is_one_part_with_all_its_results()
    {
        var body = new Signature("c.echo");
        await ChordTests.SendChordAsync(_c, body, new Signature("c.add", [1, 1]), new Signature("c.replaced_by_group", [10]));

        (await _c.DoneAsync(body.Id!)).Result!.ToJsonString().Should().Be("[[2,[11,12]]]");
    }

    [Fact]
    public async Task An_empty_chain_cannot_replace_a_task()
    {
        var sent = await _c.SendAsync(new Signature("c.replaced_by_empty_chain"));

        var meta = await _c.DoneAsync(sent.Id);

        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Type.Should().Be("ImproperlyConfigured");
    }

    [Fact]
    public void A_replacement_that_is_part_of_a_chord_is_refused_as_Celery_does()
    {
        var context = new TaskContext(_c.App, new Protocol.Messages.TaskMessage { Task = "t", Id = "i" }, "h", null, false, default);
        var sig = new Signature("c.add", [1, 1], options: new JsonObject { ["chord"] = new Signature("c.xsum").ToJson() });

        context.Replace(sig).Should().BeOfType<CeleryException>().Which.ExcType.Should().Be("ImproperlyConfigured");
    }
}
