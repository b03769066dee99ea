using Celeriac.Exceptions;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests;

/// <summary>How many times, and when, a task retries (docs/protocol.md §5.5 steps 1–2).</summary>
public sealed class RetryLimitTests : IAsyncLifetime
{
    private readonly RetryTestBed _bed = RetryTestBed.Create();
    private int _runs;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task By_default_a_task_retries_three_times_then_fails_with_the_exception_it_passed()
    {
        var task = _bed.App.Task("l.default", (TaskContext ctx) =>
        {
            Interlocked.Increment(ref _runs);
            throw ctx.Retry(new TimeoutException("still down"), countdown: TimeSpan.FromSeconds(1));
        });
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        await _bed.RunRetriesAsync(r.Id, 3);

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        _runs.Should().Be(4);
        _bed.RetriesOf(r.Id).Should().HaveCount(3, "the fourth call to Retry publishes nothing");
        var meta = await _bed.StoredAsync(r.Id);
        meta.Exception!.Type.Should().Be(nameof(TimeoutException));
        meta.Exception.Module.Should().Be("System");
        meta.Exception.Message.Should().Be("still down");
        meta.Traceback.Should().Contain("still down");
    }

    [Fact]
    public async Task Past_the_maximum_without_an_exception_the_task_fails_with_MaxRetriesExceededError()
    {
        var task = _bed.App.Task("l.no-exc", (int x, TaskContext ctx) =>
        {
            Interlocked.Increment(ref _runs);
            return ctx.Retries < 5 ? throw ctx.Retry(countdown: TimeSpan.FromSeconds(1)) : x;
        }, o => o.MaxRetries = 1);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync(4);
        await _bed.RunRetriesAsync(r.Id, 1);

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        _runs.Should().Be(2);
        var error = (await _bed.StoredAsync(r.Id)).Exception!;
        error.Type.Should().Be("MaxRetriesExceededError");
        error.Module.Should().Be(CeleryExceptions.CeleryModule);
        error.Message.Should().Be($"Can't retry l.no-exc[{r.Id}] args:(4,) kwargs:{{}}");
    }

    [Fact]
    public async Task The_max_retries_argument_overrides_the_task_setting()
    {
        var task = _bed.App.Task("l.override", (TaskContext ctx) =>
        {
            Interlocked.Increment(ref _runs);
            throw ctx.Retry(new InvalidOperationException("nope"), countdown: TimeSpan.FromSeconds(1), maxRetries: 1);
        }, o => o.MaxRetries = 10);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        await _bed.RunRetriesAsync(r.Id, 1);

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        _runs.Should().Be(2);
        (await _bed.StoredAsync(r.Id)).Exception!.Type.Should().Be(nameof(InvalidOperationException));
    }

    [Fact]
    public async Task With_MaxRetries_null_there_is_no_limit()
    {
        var task = _bed.App.Task("l.unlimited", (TaskContext ctx) =>
            ctx.Retries < 10 ? throw ctx.Retry(new InvalidOperationException("again"), countdown: TimeSpan.FromSeconds(1)) : ctx.Retries,
            o => o.MaxRetries = null);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        await _bed.RunRetriesAsync(r.Id, 10);

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Success);
        (await _bed.StoredAsync(r.Id)).Result!.GetValue<int>().Should().Be(10);
    }

    [Fact]
    public async Task Without_countdown_or_eta_a_retry_waits_the_default_180_seconds()
    {
        var task = _bed.App.Task("l.default-delay", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry() : ctx.Retries);
        var worker = await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        var (retry, _, _) = await _bed.RetryAsync(r.Id, 1);

        retry.Eta.Should().Be(_bed.Clock.GetUtcNow().AddSeconds(180));
        (await _bed.StoredAsync(r.Id)).Traceback.Should().Contain("Retry in 180s");
        (await _bed.StoredAsync(r.Id)).Result.Should().BeNull("no exception was passed to retry");

        // Held, not run, until the eta: a timer firing early would have handed it on inside Advance.
        await _bed.Clock.WaitForTimersAsync(1);
        _bed.Clock.Advance(TimeSpan.FromSeconds(179));
        worker.Scheduled.Should().Be(1);
        _bed.Clock.Advance(TimeSpan.FromSeconds(1));
        worker.Scheduled.Should().Be(0);
        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task The_task_DefaultRetryDelay_replaces_the_180_seconds()
    {
        var task = _bed.App.Task("l.custom-delay", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry() : 1,
            o => o.DefaultRetryDelay = TimeSpan.FromSeconds(30));
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        var (retry, _, _) = await _bed.RetryAsync(r.Id, 1);

        retry.Eta.Should().Be(_bed.Clock.GetUtcNow().AddSeconds(30));
    }

    [Fact]
    public async Task The_public_test_kit_walks_a_backoff_with_its_virtual_clock_and_waits_past_retries()
    {
        var clock = new Testing.VirtualClock();
        await using var harness = Testing.CeleriacTestHarness.Create(o => o.TimeProvider = clock);
        var task = harness.App.Task("l.kit", (TaskContext ctx) => ctx.Retries < 2 ? throw new IOException("busy") : ctx.Retries,
            o => { o.AutoRetryFor = [typeof(IOException)]; o.RetryBackoff = 10; o.RetryJitter = false; });
        await harness.StartWorkerAsync();

        var r = await task.DelayAsync();
        var finished = harness.WaitForTaskAsync(r.Id);
        await clock.WaitForTimersAsync(1);
        clock.Advance(TimeSpan.FromSeconds(10));
        await clock.WaitForTimersAsync(1);
        finished.IsCompleted.Should().BeFalse("a retry is not the end of the task");
        clock.Advance(TimeSpan.FromSeconds(20));

        (await finished).Status.Should().Be(TaskStates.Success);
        // A run records its RETRY after publishing the retry, so on a loaded machine the rerun can
        // finish first: wait until nothing is held, then compare the outcomes, not their order.
        await harness.WaitUntilIdleAsync();
        harness.Completions.Select(c => c.State).Should().BeEquivalentTo([TaskStates.Retry, TaskStates.Retry, TaskStates.Success]);
        clock.GetUtcNow().Should().Be(new DateTimeOffset(2030, 1, 1, 0, 0, 30, TimeSpan.Zero));
    }

    [Fact]
    public async Task An_eta_argument_schedules_the_retry_at_that_instant()
    {
        var at = new DateTimeOffset(2030, 1, 1, 6, 30, 0, TimeSpan.FromHours(2));
        var task = _bed.App.Task("l.eta", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry(eta: at) : ctx.Eta!.Value.ToUnixTimeSeconds());
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        var (retry, _, raw) = await _bed.RetryAsync(r.Id, 1);

        retry.Eta.Should().Be(at);
        raw.Headers["eta"]!.GetValue<string>().Should().Be("2030-01-01T06:30:00+02:00");
        await _bed.FireAtAsync(at);
        await _bed.FinishedAsync(r.Id);
        (await _bed.StoredAsync(r.Id)).Result!.GetValue<long>().Should().Be(at.ToUnixTimeSeconds());
        _bed.Clock.GetUtcNow().Should().Be(at);
    }
}
