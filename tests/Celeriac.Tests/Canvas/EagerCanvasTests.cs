using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Protocol.Results;
using Celeriac.Exceptions;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Canvas;

/// <summary>Canvases in eager mode run in place, as Celery's <c>apply</c> does.</summary>
public sealed class EagerCanvasTests : IAsyncDisposable
{
    private readonly TestHarness _h = TestHarness.Create(o => o.AlwaysEager = true);

    [Fact]
    public async Task A_chain_passes_each_result_on_and_links_parents()
    {
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);
        var mul = _h.App.Task("tasks.mul", (int x, int y) => x * y);

        var result = await (add.S(2, 2) | mul.S(4)).ApplyAsync<int>();

        (await result.GetAsync()).Should().Be(16);
        (await ((AsyncResult)result.Parent!).GetAsync<int>()).Should().Be(4);
    }

    [Fact]
    public async Task A_group_runs_every_member_and_a_chord_passes_their_values_to_the_body()
    {
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);
        var tsum = _h.App.Task("tasks.tsum", (int[] xs) => xs.Sum());

        var group = (GroupResult)await Workflow.Group(add.S(1, 1), add.S(2, 2)).ApplyAsync();
        var chord = await Workflow.Chord([add.S(1, 1), add.S(2, 2)], tsum.S()).ApplyAsync<int>();

        (await group.JoinAsync<int>()).Should().Equal(2, 4);
        (await chord.GetAsync()).Should().Be(6);
    }

    [Fact]
    public async Task A_failing_step_stops_the_chain_with_its_failure()
    {
        var fail = _h.App.Task("tasks.fail", (int x) => x > 0 ? throw new InvalidOperationException("boom") : x);
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);

        var act = () => (fail.S(1) | add.S(1)).ApplyAsync();

        (await act.Should().ThrowAsync<TaskFailedException>()).Which.ExceptionMessage.Should().Be("boom");
    }

    [Fact]
    public async Task Typed_signatures_return_typed_results()
    {
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);

        AsyncResult<int> r = await add.S(2).DelayAsync(3);

        (await r.GetAsync()).Should().Be(5);
        (await (await add.Si(1, 1).DelayAsync(100)).GetAsync()).Should().Be(2, "an immutable signature ignores extra args");
    }

    [Fact]
    public async Task A_task_with_a_callback_applies_it_in_place_with_its_result()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);
        var record = _h.App.Task("tasks.record", (int x, int factor) => { seen.Enqueue(x * factor); return x * factor; });

        var r = (AsyncResult)await add.S(2, 2).Link(record.S(10)).Link(record.S(100)).ApplyAsync();

        (await r.GetAsync<int>()).Should().Be(4);
        seen.Should().BeEquivalentTo([40, 400], "both callbacks ran before ApplyAsync returned");
        r.Meta.Children.Should().ContainSingle("several callbacks are applied as one group, recorded as its result");
    }

    [Fact]
    public async Task A_failing_task_applies_its_errbacks_in_place_with_its_id_then_throws_when_eager_propagates()
    {
        await using var h = TestHarness.Create(o => { o.AlwaysEager = true; o.EagerPropagates = true; });
        var failed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var fail = h.App.Task("tasks.fail", (int x) => x > 0 ? throw new InvalidOperationException("boom") : x);
        var onError = h.App.Task("tasks.on_error", (string id) => { failed.Enqueue(id); return id; });
        var sig = fail.S(1).Link(onError.S()).LinkError(onError.S());
        var id = sig.Freeze();

        var act = () => sig.ApplyAsync();

        await act.Should().ThrowAsync<InvalidOperationException>();
        failed.Should().Equal([id], "the errback ran once with the failed task's id; the callback did not run");
    }

    [Fact]
    public async Task A_chain_option_is_carried_on_in_place_and_a_failure_marks_the_remaining_steps()
    {
        await using var h = TestHarness.Create(o => { o.AlwaysEager = true; o.StoreEagerResult = true; });
        var add = h.App.Task("tasks.add", (int x, int y) => x + y);
        var fail = h.App.Task("tasks.fail", (int x) => x > 10 ? throw new InvalidOperationException("boom") : x);
        Signature next = add.S(10), failing = fail.S(), after = add.S(1);
        var ids = new[] { next, failing, after }.Select(s => s.Freeze()).ToList();
        // The wire form a Python producer gives a chain: the rest reversed in the first step's chain option.
        var first = add.S(1, 1);
        first.Options["chain"] = new JsonArray(after.ToJson(), failing.ToJson(), next.ToJson());

        var r = (AsyncResult)await first.ApplyAsync();

        (await r.GetAsync<int>()).Should().Be(2);
        CanvasBed.ChildIds(r.Meta).Should().Equal(ids[0]);
        (await h.StoredAsync(ids[0])).Result!.GetValue<int>().Should().Be(12);
        (await h.StoredAsync(ids[1])).Status.Should().Be(TaskStates.Failure);
        var marked = await h.StoredAsync(ids[2]);
        marked.Status.Should().Be(TaskStates.Failure, "the step after the failed one is marked failed, as mark_as_failure does");
        marked.Exception!.Message.Should().Be("boom");
    }

    [Fact]
    public async Task A_task_replaced_by_a_group_returns_the_group_results_in_place()
    {
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);
        var fan = _h.App.Task("tasks.fan", (int x, TaskContext ctx) => { throw ctx.Replace(new Group(add.S(x, 1), add.S(x, 2))); });

        var r = (AsyncResult)await fan.S(10).ApplyAsync();

        r.Info!.ToJsonString().Should().Be("[11,12]", "the group ran as chord(group, accumulate) and its value is the replaced task's (Celery: sig.apply().get())");
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();
}
