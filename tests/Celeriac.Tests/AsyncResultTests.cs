using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

public sealed class AsyncResultTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Before_a_worker_runs_the_task_the_result_is_PENDING_and_not_ready()
    {
        var task = _h.App.Task("r.later", () => 1);

        var r = await task.DelayAsync();
        await r.RefreshAsync();

        r.State.Should().Be(TaskStates.Pending);
        r.IsReady.Should().BeFalse();
        r.IsSuccessful.Should().BeFalse();
        r.IsFailed.Should().BeFalse();
        r.Failure.Should().BeNull();
        r.Info.Should().BeNull();
    }

    [Fact]
    public async Task After_success_the_result_is_ready_and_successful()
    {
        var task = _h.App.Task("r.ok", (int x) => x + 1);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync(41);
        await signals.CompletedAsync(r.Id);
        await r.RefreshAsync();

        r.State.Should().Be(TaskStates.Success);
        r.IsReady.Should().BeTrue();
        r.IsSuccessful.Should().BeTrue();
        r.IsFailed.Should().BeFalse();
        r.Failure.Should().BeNull();
        r.Traceback.Should().BeNull();
        r.Meta.DateDone.Should().NotBeNull();
        (await r.GetAsync(Timeout)).Should().Be(42);
    }

    [Fact]
    public async Task A_failure_exposes_type_module_message_and_a_traceback()
    {
        var task = _h.App.Task("r.boom", (Func<int>)(() => throw new InvalidOperationException("it broke")));
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await signals.CompletedAsync(r.Id);
        await r.RefreshAsync();

        r.State.Should().Be(TaskStates.Failure);
        r.IsReady.Should().BeTrue();
        r.IsFailed.Should().BeTrue();
        r.IsSuccessful.Should().BeFalse();
        r.Failure!.Type.Should().Be(nameof(InvalidOperationException));
        r.Failure.Module.Should().Be("System");
        r.Failure.Message.Should().Be("it broke");
        r.Traceback.Should().Contain("it broke").And.Contain(nameof(InvalidOperationException));
    }

    [Fact]
    public async Task GetAsync_throws_TaskFailedException_carrying_the_remote_failure()
    {
        var task = _h.App.Task("r.value-error", async () =>
        {
            await Task.Yield();
            throw new CeleryException("ValueError", "builtins", "bad input");
#pragma warning disable CS0162
            return 0;
#pragma warning restore CS0162
        });
        await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        var act = () => r.GetAsync(Timeout);

        var thrown = (await act.Should().ThrowAsync<TaskFailedException>()).Which;
        thrown.TaskId.Should().Be(r.Id);
        thrown.State.Should().Be(TaskStates.Failure);
        thrown.ExceptionType.Should().Be("ValueError");
        thrown.ExceptionModule.Should().Be("builtins");
        thrown.ExceptionMessage.Should().Be("bad input");
        thrown.RemoteTraceback.Should().NotBeNullOrWhiteSpace();
        thrown.Message.Should().Contain("ValueError").And.Contain("bad input");
    }

    [Fact]
    public async Task GetAsync_times_out_with_TimeoutException_when_no_worker_runs_the_task()
    {
        var task = _h.App.Task("r.never", () => 1);
        var r = await task.DelayAsync();

        var act = () => r.GetAsync(TimeSpan.FromMilliseconds(50));

        await act.Should().ThrowAsync<TimeoutException>().WithMessage($"*{r.Id}*");
    }

    [Fact]
    public async Task GetAsync_honours_the_callers_cancellation_as_cancellation_not_timeout()
    {
        var task = _h.App.Task("r.cancelled", () => 1);
        var r = await task.DelayAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = () => r.GetAsync(Timeout, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task A_custom_state_set_by_the_running_task_is_visible_through_RefreshAsync()
    {
        var reported = new Gate();
        var release = new Gate();
        var task = _h.App.Task("r.progress", async (TaskContext ctx) =>
        {
            await ctx.UpdateStateAsync("PROGRESS", new { current = 1, total = 3 });
            reported.Open();
            await release.WaitAsync();
            return "done";
        });
        await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await reported.WaitAsync();
        await r.RefreshAsync();

        r.State.Should().Be("PROGRESS");
        r.IsReady.Should().BeFalse();
        r.Failure.Should().BeNull();
        r.Info!.ToJsonString().Should().Be("""{"current":1,"total":3}""");

        release.Open();
        (await r.GetAsync(Timeout)).Should().Be("done");
        r.State.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task ForgetAsync_deletes_the_stored_result()
    {
        var task = _h.App.Task("r.forget", () => 5);
        await _h.StartWorkerAsync();
        var r = await task.DelayAsync();
        await r.GetAsync(Timeout);

        await r.ForgetAsync();
        await r.RefreshAsync();

        r.State.Should().Be(TaskStates.Pending);
    }

    [Fact]
    public async Task Without_a_result_backend_reading_a_result_says_so()
    {
        await using var app = CeleriacApp.Create(o => o.BrokerUrl = $"memory://{Guid.NewGuid():N}");
        var task = app.Task("r.no-backend", () => 1);

        var r = await task.DelayAsync();
        var act = () => r.RefreshAsync();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*result backend*");
    }
}
