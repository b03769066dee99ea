using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>task_always_eager: tasks run in the caller through the worker's executor and the wire codec.</summary>
public sealed class EagerModeTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create(o => o.AlwaysEager = true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public sealed record Order(string OrderId, decimal Amount);

    [Fact]
    public async Task An_eager_task_runs_at_once_without_a_worker_or_a_message()
    {
        var ran = 0;
        var add = _h.App.Task("e.add", (int x, int y) => { ran++; return x + y; });

        var r = await add.DelayAsync(2, 3);

        ran.Should().Be(1);
        r.IsReady.Should().BeTrue();
        (await r.GetAsync(TimeSpan.FromSeconds(1))).Should().Be(5);
        _h.Broker.Depth("celery").Should().Be(0);
    }

    [Fact]
    public async Task Eager_arguments_go_through_JSON_so_records_bind_from_snake_case()
    {
        var task = _h.App.Task("e.order", (Order o, TaskContext ctx) => $"{o.OrderId}:{o.Amount}:{ctx.IsEager}:{ctx.Queue ?? "none"}");

        var r = await task.DelayAsync(new Order("A-1", 9.5m));

        r.State.Should().Be(TaskStates.Success);
        (await r.GetAsync()).Should().Be("A-1:9.5:True:none");
    }

    [Fact]
    public async Task An_object_parameter_sees_wire_types_in_eager_mode_too()
    {
        var task = _h.App.Task("e.type", (object x) => x.GetType().Name);

        (await (await task.DelayAsync(2)).GetAsync()).Should().Be(nameof(Int64));
        (await (await task.DelayAsync(2.0)).GetAsync()).Should().Be(nameof(Double));
    }

    [Fact]
    public async Task A_binding_error_is_a_TypeError_FAILURE_in_eager_mode()
    {
        var task = _h.App.Task("e.one", (int x) => x);

        var r = await task.Untyped.DelayAsync();

        r.State.Should().Be(TaskStates.Failure);
        r.Failure!.Type.Should().Be("TypeError");
        r.Failure.Module.Should().Be("builtins");
        r.Failure.Message.Should().Contain("'x'");
        var act = () => r.GetAsync();
        (await act.Should().ThrowAsync<TaskFailedException>()).Which.ExceptionType.Should().Be("TypeError");
    }

    [Fact]
    public async Task A_failing_eager_task_stores_FAILURE_and_does_not_throw_by_default()
    {
        var task = _h.App.Task("e.fail", (Func<int>)(() => throw new ArgumentOutOfRangeException("n", "too big")));

        var r = await task.DelayAsync();

        r.IsFailed.Should().BeTrue();
        r.Failure!.Type.Should().Be(nameof(ArgumentOutOfRangeException));
        r.Traceback.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task EagerPropagates_rethrows_the_original_exception_from_the_call()
    {
        await using var h = TestHarness.Create(o => { o.AlwaysEager = true; o.EagerPropagates = true; });
        var task = h.App.Task("e.propagate", (Func<int>)(() => throw new KeyNotFoundException("no such key")));
        var binding = h.App.Task("e.propagate-binding", (int x) => x);

        var act = () => task.DelayAsync();
        var bad = () => binding.Untyped.DelayAsync("not a number");

        await act.Should().ThrowExactlyAsync<KeyNotFoundException>().WithMessage("no such key");
        await bad.Should().ThrowExactlyAsync<TaskArgumentException>();
    }

    [Fact]
    public async Task Eager_results_honour_ignore_result_for_the_caller_anyway()
    {
        var task = _h.App.Task("e.ignored", () => 7, o => o.IgnoreResult = true);

        var r = await task.DelayAsync();

        (await r.GetAsync()).Should().Be(7);
    }

    [Fact]
    public async Task Eager_results_are_not_written_to_the_configured_backend_unless_asked()
    {
        await using var stored = TestHarness.Create(o => { o.AlwaysEager = true; o.StoreEagerResult = true; });
        var kept = stored.App.Task("e.kept", () => 1);
        var notKept = _h.App.Task("e.not-kept", () => 1);

        var a = await kept.DelayAsync();
        var b = await notKept.DelayAsync();

        (await stored.App.Backend.GetAsync(a.Id)).Status.Should().Be(TaskStates.Success);
        (await _h.App.Backend.GetAsync(b.Id)).Status.Should().Be(TaskStates.Pending);
    }

    [Fact]
    public async Task SendTaskAsync_is_never_eager_and_queues_a_message()
    {
        var ran = false;
        _h.App.Task("e.by-name", () => ran = true);

        var r = await _h.App.SendTaskAsync("e.by-name");

        ran.Should().BeFalse();
        _h.Broker.Depth("celery").Should().Be(1);
        (await _h.DrainAsync("celery")).Single().Message.Id.Should().Be(r.Id);
    }

    [Theory]
    [InlineData(false, TaskStates.Pending)]
    [InlineData(true, "PROGRESS")]
    public async Task In_eager_mode_UpdateStateAsync_reaches_the_apps_backend_only_with_StoreEagerResult(bool storeEagerResult, string expected)
    {
        await using var h = TestHarness.Create(o => { o.AlwaysEager = true; o.StoreEagerResult = storeEagerResult; });
        string? seen = null;
        var app = h.App;
        var task = app.Task("e.progress", async (TaskContext ctx) =>
        {
            await ctx.UpdateStateAsync("PROGRESS", new { step = 1 });
            seen = (await app.Result(ctx.TaskId).RefreshAsync()).State;
            return 1;
        });

        var r = await task.DelayAsync();

        seen.Should().Be(expected);
        r.State.Should().Be(TaskStates.Success);
    }
}
