using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary>Link callbacks after success and errbacks after failure (docs/protocol.md §1.6, §4.6).</summary>
public sealed class CallbackTests : IAsyncLifetime
{
    private CanvasBed _c = null!;

    public async Task InitializeAsync() => _c = await CanvasBed.StartAsync();

    public async Task DisposeAsync() => await _c.DisposeAsync();

    [Fact]
    public async Task One_callback_gets_the_result_prepended_and_is_listed_in_children()
    {
        var callback = new Signature("c.mul", [10]);
        var sent = await _c.SendAsync(new Signature("c.add", [1, 2]).Link(callback));

        var meta = await _c.DoneAsync(sent.Id);

        var message = _c.Sent("c.mul").Should().ContainSingle().Subject;
        message.Args.ToJsonString().Should().Be("[3,10]");
        message.ParentId.Should().Be(sent.Id);
        message.RootId.Should().Be(sent.Id);
        message.Group.Should().BeNull();
        meta.Children!.ToJsonString().Should().Be($"""[[["{message.Id}",null],null]]""", "the callback is sent before SUCCESS is stored");
        (await _c.DoneAsync(message.Id)).Result!.GetValue<long>().Should().Be(30);
    }

    [Fact]
    public async Task Several_callbacks_go_out_as_one_group_with_a_common_group_id()
    {
        var sent = await _c.SendAsync(new Signature("c.add", [1, 2])
            .Link(new Signature("c.mul", [10]))
            .Link(new Signature("c.add", [100]))
            .Link(new Signature("c.echo", immutable: true)));

        var meta = await _c.DoneAsync(sent.Id);

        var messages = _c.Sent("c.mul").Concat(_c.Sent("c.add").Where(m => m.Id != sent.Id)).Concat(_c.Sent("c.echo")).ToList();
        messages.Should().HaveCount(3);
        var groupId = messages[0].Group;
        groupId.Should().NotBeNull();
        messages.Should().AllSatisfy(m =>
        {
            m.Group.Should().Be(groupId);
            m.GroupIndex.Should().BeNull("a plain group has no indices in Celery 5.2");
            m.ParentId.Should().Be(sent.Id);
        });
        _c.Sent("c.echo").Single().Args.ToJsonString().Should().Be("[]", "an immutable callback does not get the result");
        var children = ResultTuple.FromJson(meta.Children!.Single());
        children.Id.Should().Be(groupId);
        children.Members!.Select(m => m.Id).Should().BeEquivalentTo(messages.Select(m => m.Id));
        (await _c.DoneAsync(_c.Sent("c.mul").Single().Id)).Result!.GetValue<long>().Should().Be(30);
        (await _c.DoneAsync(messages.Single(m => m.Task == "c.add").Id)).Result!.GetValue<long>().Should().Be(103);
    }

    [Fact]
    public async Task A_callback_goes_to_its_own_queue()
    {
        var sent = await _c.SendAsync(new Signature("c.add", [1, 2]).Link(new Signature("c.mul", [10], options: new JsonObject { ["queue"] = "elsewhere" })));

        await _c.DoneAsync(sent.Id);

        _c.Bed.Published.Single(p => p.Message.Headers["task"]!.GetValue<string>() == "c.mul").Route.RoutingKey.Should().Be("elsewhere");
    }

    [Fact]
    public async Task Callbacks_do_not_run_after_a_failure_and_errbacks_get_the_failed_id_as_one_group()
    {
        var sent = await _c.SendAsync(new Signature("c.fail", ["boom"])
            .Link(new Signature("c.mul", [10]))
            .LinkError(new Signature("c.on_error"))
            .LinkError(new Signature("c.echo", ["extra"])));

        (await _c.DoneAsync(sent.Id)).Status.Should().Be(TaskStates.Failure);

        _c.Sent("c.mul").Should().BeEmpty();
        var errbacks = _c.Sent("c.on_error").Concat(_c.Sent("c.echo")).ToList();
        errbacks.Should().HaveCount(2);
        errbacks.Select(m => m.Group).Distinct().Should().ContainSingle().Which.Should().NotBeNull();
        errbacks[0].Args.ToJsonString().Should().Be($"""["{sent.Id}"]""");
        errbacks[1].Args.ToJsonString().Should().Be($"""["{sent.Id}","extra"]""");
        errbacks.Should().AllSatisfy(m => { m.ParentId.Should().Be(sent.Id); m.RootId.Should().Be(sent.Id); });
        (await _c.DoneAsync(errbacks[0].Id)).Result!.GetValue<string>().Should().Be(sent.Id, "the errback reads the failure the task stored before it");
    }

    [Fact]
    public async Task Callbacks_inherit_the_priority_when_task_inherit_parent_priority_is_set()
    {
        await using var c = await CanvasBed.StartAsync(o => o.InheritParentPriority = true);
        var sent = await c.SendAsync(new Signature("c.add", [1, 2], options: new JsonObject { ["priority"] = 7 }).Link(new Signature("c.mul", [10])));

        await c.DoneAsync(sent.Id);

        c.Sent("c.mul").Single().Properties.Priority.Should().Be(7);
        _c.App.Options.InheritParentPriority.Should().BeFalse("the default, as Celery's");
    }

    [Fact]
    public async Task A_malformed_callback_is_logged_and_skipped_and_the_result_still_stored()
    {
        var good = new Signature("c.mul", [10]);
        var signature = new Signature("c.add", [1, 2]);
        signature.Options["link"] = new JsonArray(new JsonObject { ["args"] = new JsonArray(1) }, "not a signature", good.ToJson());

        var sent = await _c.SendAsync(signature);
        var meta = await _c.DoneAsync(sent.Id);

        meta.Status.Should().Be(TaskStates.Success);
        meta.Result!.GetValue<long>().Should().Be(3);
        _c.Sent("c.mul").Should().ContainSingle();
    }
}
