using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Canvas;

/// <summary>Celery 5.2.6's <c>|</c> rules, the composites' wire forms and freezing.</summary>
public sealed class ComposeTests : IAsyncDisposable
{
    private readonly TestHarness _h = TestHarness.Create();

    private Signature Sig(string name, params object?[] args) => _h.App.Signature(name, args);

    [Fact]
    public void Task_or_task_is_a_chain_and_chains_flatten()
    {
        var ab = Sig("a") | Sig("b");
        var cd = Sig("c") | Sig("d");

        ab.Should().BeOfType<Chain>().Which.Tasks.Select(t => t.Task).Should().Equal("a", "b");
        (ab | Sig("c")).Should().BeOfType<Chain>().Which.Tasks.Select(t => t.Task).Should().Equal("a", "b", "c");
        (ab | cd).Should().BeOfType<Chain>().Which.Tasks.Select(t => t.Task).Should().Equal("a", "b", "c", "d");
        (Sig("x") | cd).Should().BeOfType<Chain>().Which.Tasks.Select(t => t.Task).Should().Equal("x", "c", "d");
    }

    [Fact]
    public void Group_or_task_is_a_chord_with_that_body()
    {
        var chord = Workflow.Group(Sig("a"), Sig("b")) | Sig("sum");

        var c = chord.Should().BeOfType<Chord>().Subject;
        c.Header.Tasks.Select(t => t.Task).Should().Equal("a", "b");
        c.Body.Task.Should().Be("sum");
    }

    [Fact]
    public void A_chain_ending_in_a_group_followed_by_a_task_ends_in_a_chord()
    {
        var chain = (Sig("first") | Workflow.Group(Sig("a"), Sig("b"))) | Sig("sum");

        var steps = chain.Should().BeOfType<Chain>().Subject.Tasks;
        steps[0].Task.Should().Be("first");
        steps[1].Should().BeOfType<Chord>().Which.Body.Task.Should().Be("sum");
    }

    [Fact]
    public void Chord_or_task_chains_the_task_onto_the_body()
    {
        var chord = Workflow.Chord([Sig("a"), Sig("b")], Sig("sum")) | Sig("after");

        var body = chord.Should().BeOfType<Chord>().Which.Body;
        body.Should().BeOfType<Chain>().Which.Tasks.Select(t => t.Task).Should().Equal("sum", "after");
    }

    [Fact]
    public void A_group_of_one_unrolls_into_the_chain()
    {
        var chain = Sig("a") | Workflow.Group(Sig("b"));

        chain.Should().BeOfType<Chain>().Which.Tasks[1].Should().NotBeOfType<Group>();
    }

    [Fact]
    public void Composites_read_from_the_wire_are_typed_and_write_back_unchanged()
    {
        var message = RetryTestBed.Vector("task_v2_10_chain_with_group_becomes_chord")["messages"]![0]!;
        var wire = message["body_decoded"]![2]!["chain"]![0]!;

        var chord = Signature.FromJson(wire).Should().BeOfType<Chord>().Subject;

        chord.Header.Tasks.Should().HaveCount(2);
        chord.Body.Task.Should().Be("tasks.tsum");
        JsonNode.DeepEquals(chord.ToJson(), wire).Should().BeTrue(chord.ToJson().ToJsonString());
        var group = chord.Header.ToJson();
        Signature.FromJson(group).Should().BeOfType<Group>();
        Signature.FromJson(new Chain(Sig("a"), Sig("b")).ToJson()).Should().BeOfType<Chain>().Which.Tasks.Should().HaveCount(2);
    }

    [Fact]
    public void Map_starmap_and_chunks_have_celerys_wire_forms()
    {
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);

        var chunks = add.Untyped.Chunks([[1, 1], [2, 2], [3, 3]], 2).ToJson();
        var map = add.Untyped.Map([1, 2]).ToJson();

        chunks.ToJsonString().Should().Be("""{"task":"celery.chunks","args":[],"kwargs":{"task":{"task":"tasks.add","args":[],"kwargs":{},"options":{},"subtask_type":null,"immutable":false},"it":[[1,1],[2,2],[3,3]],"n":2},"options":{},"subtask_type":null,"immutable":true}""");
        map["task"]!.GetValue<string>().Should().Be("celery.map");
        map["kwargs"]!["it"]!.ToJsonString().Should().Be("[1,2]");
        add.Untyped.Starmap([[1, 2]]).ToJson()["task"]!.GetValue<string>().Should().Be("celery.starmap");
        Signature.FromJson(chunks).Should().BeOfType<Chunks>().Which.ToGroup().Tasks.Should().HaveCount(2);
    }

    [Fact]
    public void Freezing_a_chain_gives_every_step_an_id_and_the_chain_the_last()
    {
        var chain = (Chain)(Sig("a") | Sig("b") | Sig("c"));

        var id = chain.Freeze();

        chain.Tasks.Should().OnlyContain(t => t.Id != null);
        id.Should().Be(chain.Tasks[^1].Id);
        chain.Tasks.Should().OnlyContain(t => t.Options["reply_to"] != null);
    }

    [Fact]
    public void Freezing_a_group_flattens_it_and_freezing_a_chord_gives_the_header_and_the_body_ids()
    {
        var group = Workflow.Group(Sig("a"), Workflow.Group(Sig("b"), Sig("c")));
        group.Freeze();
        group.Tasks.Select(t => t.Task).Should().Equal(["a", "c", "b"], "Celery 5.2.6's _freeze_unroll reverses a nested group (extendleft)");
        group.Tasks.Should().OnlyContain(t => t.Id != null);
        var deeper = Workflow.Group(Workflow.Group(Sig("a"), Workflow.Group(Sig("b"), Sig("c"))), Sig("d"));
        deeper.Freeze();
        deeper.Tasks.Select(t => t.Task).Should().Equal(["c", "b", "a", "d"], "as Python freezes group(group(a, group(b, c)), d)");
        deeper.Tasks.Select(t => t.Options["group_index"]!.GetValue<int>()).Should().Equal(0, 1, 2, 3);

        var chord = Workflow.Chord([Sig("x"), Sig("y")], Sig("sum"));
        var id = chord.Freeze();
        id.Should().Be(chord.Body.Id);
        chord.Id.Should().Be(chord.Header.Id);
        chord.Header.Tasks.Select(t => t.Options["group_index"]!.GetValue<int>()).Should().Equal(0, 1);
        chord.Header.Tasks.Should().OnlyContain(t => t.Options["chord"]!["options"]!["task_id"]!.GetValue<string>() == chord.Body.Id);
    }

    [Fact]
    public void Set_writes_options_under_celerys_keys()
    {
        var sig = Sig("a").Set(new TaskSendOptions
        {
            Queue = "q", Countdown = TimeSpan.FromSeconds(10), Priority = 3,
            Eta = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), ExpiresIn = TimeSpan.FromSeconds(30), TimeLimit = TimeSpan.FromSeconds(5),
        });

        sig.Options.ToJsonString().Should().Be("""{"queue":"q","countdown":10,"eta":"2026-01-02T03:04:05Z","expires":30,"priority":3,"time_limit":5}""");
    }

    [Fact]
    public async Task A_signature_not_made_through_an_app_says_how_to_bind_it()
    {
        var act = () => new Signature("tasks.a").ApplyAsync();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*not bound to an app*");
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();
}
