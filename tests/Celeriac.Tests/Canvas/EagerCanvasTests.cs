using Celeriac.Canvas;
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

    public ValueTask DisposeAsync() => _h.DisposeAsync();
}
