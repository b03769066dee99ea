using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// Nested canvases composed in C# and run by a worker on the in-memory broker and backend, with the
/// values and result parents Celery 5.2.6 gives for the same canvases (the interop tests check them
/// against real Python Celery): a group of chains, a chord inside a chain, a chord whose header
/// holds a chord.
/// </summary>
public sealed class NestedCanvasTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TestHarness _h = TestHarness.Create();

    public async Task InitializeAsync()
    {
        _h.App.Task("n.add", (long x, long y) => x + y);
        _h.App.Task("n.mul", (long x, long y) => x * y);
        _h.App.Task("n.xsum", (List<long> numbers) => numbers.Sum());
        _h.App.Task("n.fail", (string message) => { throw new InvalidOperationException(message); });
        _h.App.Task("n.list", (List<long> numbers) => numbers);
        await _h.StartWorkerAsync(w => w.Concurrency = 4);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Signature Add(params object?[] args) => _h.App.Signature("n.add", args);

    private Signature Mul(params object?[] args) => _h.App.Signature("n.mul", args);

    private Signature Xsum() => _h.App.Signature("n.xsum");

    [Fact]
    public async Task A_group_of_chains_returns_each_chains_last_result_in_order()
    {
        var flow = Workflow.Group(Workflow.Chain(Add(1, 1), Mul(2)), Workflow.Chain(Add(2, 2), Mul(3)), Add(5, 5));

        var result = (GroupResult)await flow.ApplyAsync();

        (await result.JoinAsync<long>(Timeout)).Should().Equal(4, 12, 10);
        var parents = result.Results.Select(r => ((AsyncResult)r).Parent as AsyncResult).ToList();
        (await parents[0]!.GetAsync<long>(Timeout)).Should().Be(2, "a member's parent is its chain's first step");
        (await parents[1]!.GetAsync<long>(Timeout)).Should().Be(4);
        parents[2].Should().BeNull("a plain member has no parent");
    }

    [Fact]
    public async Task A_chord_inside_a_chain_gets_the_previous_result_and_passes_its_body_on()
    {
        // add(1, 1) = 2 → header add(2, 1), add(2, 2) → xsum 7 → mul(7, 10).
        var flow = Workflow.Chain(Add(1, 1), Workflow.Chord([Add(1), Add(2)], Xsum()), Mul(10));

        var last = await flow.ApplyAsync<long>();

        (await last.GetAsync(Timeout)).Should().Be(70);
        var body = last.Parent.Should().BeOfType<AsyncResult>("the chord's body (a chain xsum | mul in Celery too) is mul's parent").Subject;
        (await body.GetAsync<long>(Timeout)).Should().Be(7);
        var header = body.Parent.Should().BeOfType<GroupResult>().Subject;
        (await header.JoinAsync<long>(Timeout)).Should().Equal(3, 4);
        var first = header.Parent.Should().BeOfType<AsyncResult>().Subject;
        (await first.GetAsync<long>(Timeout)).Should().Be(2);
        first.Parent.Should().BeNull();
    }

    [Fact]
    public async Task A_chord_whose_header_holds_a_chord_gets_the_inner_bodys_result_as_one_part()
    {
        // inner: xsum(2, 4) = 6; outer: xsum(6, 6) = 12. The inner chord counts as one part (its body).
        var inner = Workflow.Chord([Add(1, 1), Add(2, 2)], Xsum());
        var flow = Workflow.Chord([inner, Add(3, 3)], Xsum());

        var total = await flow.ApplyAsync<long>();

        (await total.GetAsync(Timeout)).Should().Be(12);
        var header = total.Parent.Should().BeOfType<GroupResult>().Subject;
        (await header.JoinAsync<long>(Timeout)).Should().Equal(6, 6);
        var innerBody = header.Results[0].Should().BeOfType<AsyncResult>().Subject;
        var innerHeader = innerBody.Parent.Should().BeOfType<GroupResult>().Subject;
        (await innerHeader.JoinAsync<long>(Timeout)).Should().Equal(2, 4);
    }

    [Fact]
    public async Task A_chain_inside_a_chord_header_counts_once_with_its_last_step()
    {
        var flow = Workflow.Chord([Workflow.Chain(Add(1, 1), Mul(2)), Add(3, 3)], Xsum());

        var total = await flow.ApplyAsync<long>();

        (await total.GetAsync(Timeout)).Should().Be(10);
    }

    [Fact]
    public async Task A_failing_part_of_a_chord_inside_a_chain_fails_the_body_with_ChordError_and_stops_the_chain()
    {
        var fail = _h.App.Signature("n.fail", ["boom"], immutable: true);
        var flow = Workflow.Chain(Add(1, 1), Workflow.Chord([Add(1), fail], Xsum()));

        var body = (AsyncResult)await flow.ApplyAsync();

        var meta = await body.WaitAsync(Timeout);
        meta.Exception!.Type.Should().Be("ChordError");
        meta.Exception.Message.Should().StartWith("Dependency ").And.EndWith(" raised InvalidOperationException('boom')");
    }

    [Fact]
    public async Task A_group_inside_a_chord_header_is_flattened_in_celerys_freeze_order()
    {
        // Celery 5.2.6's _freeze_unroll puts a nested group's members back with extendleft, reversing
        // them: the body gets [add(2, 2), add(1, 1), add(3, 3)] (Python's client gives [4, 2, 6] too).
        var flow = Workflow.Chord([Workflow.Group(Add(1, 1), Add(2, 2)), Add(3, 3)], _h.App.Signature("n.list"));

        var body = await flow.ApplyAsync<List<long>>();

        (await body.GetAsync(Timeout)).Should().Equal(4, 2, 6);
        var header = body.Parent.Should().BeOfType<GroupResult>().Subject;
        (await header.JoinAsync<long>(Timeout)).Should().Equal([4, 2, 6], "the header's members are in that order too");
    }

    [Fact]
    public async Task A_group_inside_a_group_sent_unfrozen_keeps_its_order()
    {
        var result = (GroupResult)await Workflow.Group(Workflow.Group(Add(1, 1), Add(2, 2)), Add(3, 3)).ApplyAsync();

        (await result.JoinAsync<long>(Timeout)).Should().Equal(2, 4, 6);
    }

    [Fact]
    public async Task A_chord_whose_body_is_a_chain_returns_the_last_steps_result_with_the_header_as_its_parent()
    {
        // Celery's chord.run: bodyres.parent = header_result, replacing the chain's own link to xsum.
        var flow = Workflow.Chord([Add(1, 1), Add(2, 2)], Xsum() | Mul(2));

        var last = await flow.ApplyAsync<long>();

        (await last.GetAsync(Timeout)).Should().Be(12);
        var header = last.Parent.Should().BeOfType<GroupResult>().Subject;
        (await header.JoinAsync<long>(Timeout)).Should().Equal(2, 4);
    }
}
