using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Canvas;
using Celeriac.Memory;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary>Chains, groups and chords sent by us against the messages Python Celery 5.2.6 sent for the same canvas.</summary>
public sealed class CanvasWireTests
{
    [Fact]
    public async Task A_chain_sends_its_first_step_with_the_rest_reversed_in_embed_chain()
    {
        await using var bed = RetryTestBed.Create();
        var app = bed.App;

        var result = await (app.Signature("tasks.add", [1, 2]) | app.Signature("tasks.add", [3]) | app.Signature("tasks.mul", [4])).ApplyAsync();

        CanvasWire.ShouldMatch(CanvasWire.Ours(bed), CanvasWire.Theirs("task_v2_05_chain"));
        var chain = bed.Published.Single();
        var steps = RetryTestBed.Envelope(chain.Message, chain.Route)["body"]![2]!["chain"]!.AsArray();
        result.Id.Should().Be(steps[0]!["options"]!["task_id"]!.GetValue<string>(), "the chain's result is its last step's");
        result.Parent!.Id.Should().Be(steps[1]!["options"]!["task_id"]!.GetValue<string>());
        result.Parent.Parent!.Id.Should().Be(chain.Message.Headers["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_group_sends_one_message_per_member_under_one_group_id()
    {
        await using var bed = RetryTestBed.Create();
        var app = bed.App;

        var result = (GroupResult)await Workflow.Group(app.Signature("tasks.add", [1, 1]), app.Signature("tasks.add", [2, 2])).ApplyAsync();

        CanvasWire.ShouldMatch(CanvasWire.Ours(bed), CanvasWire.Theirs("task_v2_06_group"));
        result.Results.Select(r => r.Id).Should().Equal(bed.Published.Select(p => p.Message.Headers["id"]!.GetValue<string>()));
        bed.Published.Should().OnlyContain(p => p.Message.Headers["group"]!.GetValue<string>() == result.Id);
    }

    [Fact]
    public async Task A_chord_records_its_size_then_sends_the_header_with_the_body_embedded()
    {
        await using var bed = RetryTestBed.Create();
        var app = bed.App;

        var result = await Workflow.Chord([app.Signature("tasks.add", [1, 1]), app.Signature("tasks.add", [2, 2])], app.Signature("tasks.tsum")).ApplyAsync();

        CanvasWire.ShouldMatch(CanvasWire.Ours(bed), CanvasWire.Theirs("task_v2_07_chord_header"));
        var header = (GroupResult)((AsyncResult)result).Parent!;
        bed.Published.Select(p => p.Message.Headers["group"]!.GetValue<string>()).Should().OnlyContain(g => g == header.Id);
        // The size is in the join before any part: adding the first part sees 1 of 2.
        var progress = await ((IChordJoin)app.Backend).AddChordPartAsync(header.Id, 0, new ResultMeta { TaskId = header.Results[0].Id, Status = TaskStates.Success, Result = 2 });
        progress.Should().Be(new ChordProgress(1, 2, 0));
    }

    [Fact]
    public async Task A_group_followed_by_a_step_in_a_chain_travels_as_a_chord_signature()
    {
        await using var bed = RetryTestBed.Create();
        var app = bed.App;

        var flow = Workflow.Chain(app.Signature("tasks.add", [1, 1], immutable: true),
            Workflow.Group(app.Signature("tasks.add", [10]), app.Signature("tasks.add", [20])), app.Signature("tasks.tsum"));
        await flow.ApplyAsync();

        CanvasWire.ShouldMatch(CanvasWire.Ours(bed), CanvasWire.Theirs("task_v2_10_chain_with_group_becomes_chord"));
    }

    [Fact]
    public async Task Without_a_native_join_a_chord_sends_chord_unlock_before_its_header()
    {
        await using var bed = RetryTestBed.Create(o =>
        {
            o.ResultBackend = "nojoin://x";
            o.Providers.AddResultBackend("nojoin", c => new NoChordJoinBackend(new InMemoryResultStore().CreateBackend(c.Options.TimeProvider, c.Options.ResultExpires)));
        });
        var app = bed.App;

        await Workflow.Chord([app.Signature("tasks.add", [1, 1]), app.Signature("tasks.add", [2, 2])], app.Signature("tasks.tsum")).ApplyAsync();

        // argsrepr/kwargsrepr: Python's repr shows the body's args as a tuple and elides nested tuples; ours is JSON-shaped.
        CanvasWire.ShouldMatch(CanvasWire.Ours(bed), CanvasWire.Theirs("task_v2_chord_unlock_fallback"), "argsrepr", "kwargsrepr");
        var unlock = bed.Published.First().Message;
        (unlock.Headers["eta"]!.GetValue<string>()).Should().Be(Protocol.Json.PythonDateTime.Format(bed.Clock.GetUtcNow().AddSeconds(1)));
    }

    [Fact]
    public async Task A_chord_without_a_result_backend_says_so()
    {
        await using var bed = RetryTestBed.Create(o => o.ResultBackend = null);
        var app = bed.App;

        var act = () => Workflow.Chord([app.Signature("tasks.add", [1, 1])], app.Signature("tasks.tsum")).ApplyAsync();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*chord needs a result backend*");
        bed.Published.Should().BeEmpty();
    }

    [Fact]
    public async Task Links_on_a_chain_go_on_the_last_step_and_errbacks_on_every_step()
    {
        await using var bed = RetryTestBed.Create();
        var app = bed.App;
        var chain = app.Signature("tasks.add", [1, 1]) | app.Signature("tasks.mul", [2]);
        chain.Link(app.Signature("tasks.log")).LinkError(app.Signature("tasks.on_error"));

        await chain.ApplyAsync();

        var body = RetryTestBed.Envelope(bed.Published.Single().Message, bed.Published.Single().Route)["body"]!.AsArray();
        body[2]!["errbacks"]!.AsArray().Select(e => e!["task"]!.GetValue<string>()).Should().Equal("tasks.on_error");
        body[2]!["callbacks"].Should().BeNull();
        var last = body[2]!["chain"]![0]!["options"]!;
        last["link"]!.AsArray().Single()!["task"]!.GetValue<string>().Should().Be("tasks.log");
        last["link_error"]!.AsArray().Single()!["task"]!.GetValue<string>().Should().Be("tasks.on_error");
    }

    [Fact]
    public async Task A_chain_sent_as_a_callback_keeps_the_outer_chain_after_its_own_steps()
    {
        await using var bed = RetryTestBed.Create();
        var app = bed.App;
        var outer = new JsonArray(app.Signature("tasks.outer").ToJson());
        var chain = Signature.FromJson((app.Signature("tasks.a") | app.Signature("tasks.b")).ToJson());

        await chain.Clone([5], null, new JsonObject { ["chain"] = outer, ["parent_id"] = "p", ["root_id"] = "r" }).SendWorkflowAsync(app, default);

        var sent = bed.Published.Single().Message;
        var body = RetryTestBed.Envelope(sent, bed.Published.Single().Route)["body"]!.AsArray();
        body[0]!.ToJsonString().Should().Be("[5]");
        body[2]!["chain"]!.AsArray().Select(s => s!["task"]!.GetValue<string>()).Should().Equal("tasks.outer", "tasks.b");
        (sent.Headers["parent_id"]!.GetValue<string>(), sent.Headers["root_id"]!.GetValue<string>()).Should().Be(("p", "r"));
    }
}
