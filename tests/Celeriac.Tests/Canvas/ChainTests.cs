using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary>Chains of plain signatures carried on step by step by the worker (docs/protocol.md §1.7).</summary>
public sealed class ChainTests : IAsyncLifetime
{
    private CanvasBed _c = null!;

    public async Task InitializeAsync() => _c = await CanvasBed.StartAsync();

    public async Task DisposeAsync() => await _c.DisposeAsync();

    [Fact]
    public async Task A_chain_runs_end_to_end_passing_each_result_on_except_to_an_immutable_step()
    {
        // add(2, 2) | mul(10) | add.si(1, 1) | mul(3) = 6
        Signature[] steps = [new("c.add", [2, 2]), new("c.mul", [10]), new("c.add", [1, 1], immutable: true), new("c.mul", [3])];
        var ids = steps.Select(s => s.Freeze()).ToList();

        await _c.SendAsync(CanvasBed.Chain(steps));

        var last = await _c.DoneAsync(ids[3]);
        last.Result!.GetValue<long>().Should().Be(6);
        (await _c.Bed.StoredAsync(ids[1])).Result!.GetValue<long>().Should().Be(40);
        _c.SentWithId(ids[1]).Args.ToJsonString().Should().Be("[4,10]");
        _c.SentWithId(ids[2]).Args.ToJsonString().Should().Be("[1,1]");
        _c.SentWithId(ids[3]).Args.ToJsonString().Should().Be("[2,3]");
        for (var i = 1; i < ids.Count; i++)
        {
            var message = _c.SentWithId(ids[i]);
            message.ParentId.Should().Be(ids[i - 1]);
            message.RootId.Should().Be(ids[0]);
            message.Embed.Chain!.Count.Should().Be(ids.Count - 1 - i, "the rest of the chain travels with each step");
            CanvasBed.ChildIds(await _c.Bed.StoredAsync(ids[i - 1])).Should().Equal([ids[i]], "each step's result lists the next step");
        }
    }

    [Fact]
    public async Task A_failed_step_stops_the_chain_and_stores_the_same_failure_under_every_remaining_step()
    {
        Signature[] steps = [new("c.add", [1, 1]), new("c.fail", ["step two"]), new("c.mul", [10]), new("c.add", [1])];
        var ids = steps.Select(s => s.Freeze()).ToList();

        await _c.SendAsync(CanvasBed.Chain(steps));

        var failed = await _c.DoneAsync(ids[1]);
        failed.Status.Should().Be(TaskStates.Failure);
        foreach (var id in ids.Skip(2))
        {
            var meta = await _c.Bed.StoredAsync(id);
            meta.Status.Should().Be(TaskStates.Failure, "a client waiting on the chain's last result must not hang");
            meta.Result!.ToJsonString().Should().Be(failed.Result!.ToJsonString());
            meta.Traceback.Should().Be(failed.Traceback);
        }
        _c.Sent("c.mul").Should().BeEmpty();
        var result = _c.App.Result(ids[3]);
        await result.Invoking(r => r.GetAsync(TimeSpan.FromSeconds(5))).Should().ThrowAsync<Exceptions.TaskFailedException>();
    }

    [Fact]
    public async Task Chain_steps_go_to_their_own_queues_and_keep_their_options()
    {
        Signature[] steps = [new("c.add", [2, 2]), new("c.mul", [10], options: new JsonObject { ["queue"] = "other", ["priority"] = 3 })];
        var ids = steps.Select(s => s.Freeze()).ToList();

        await _c.SendAsync(CanvasBed.Chain(steps));
        await _c.DoneAsync(ids[0]);

        var published = _c.Bed.Published.Single(p => p.Message.Headers["id"]!.GetValue<string>() == ids[1]);
        published.Route.RoutingKey.Should().Be("other");
        _c.SentWithId(ids[1]).Properties.Priority.Should().Be(3);
    }

    [Fact]
    public async Task A_malformed_next_step_is_logged_and_the_result_still_stored()
    {
        var first = new Signature("c.add", [2, 2]);
        first.Options["chain"] = new JsonArray(new JsonObject { ["task"] = 5 });

        var sent = await _c.SendAsync(first);
        var meta = await _c.DoneAsync(sent.Id);

        meta.Status.Should().Be(TaskStates.Success);
        meta.Result!.GetValue<long>().Should().Be(4);
        meta.Children.Should().BeEmpty();
    }
}
