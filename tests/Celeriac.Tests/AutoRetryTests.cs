using Celeriac.Protocol.Results;

namespace Celeriac.Tests;

/// <summary>Which exceptions retry a task by themselves (<c>autoretry_for</c>, docs/protocol.md §5.6).</summary>
public sealed class AutoRetryTests : IAsyncLifetime
{
    private readonly RetryTestBed _bed = RetryTestBed.Create();
    private int _runs;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    /// <summary>A task that throws what <paramref name="fail"/> makes on its first <paramref name="failures"/> runs, then returns its retries.</summary>
    private Tasks.CeleriacTask<int> Flaky(string name, Func<Exception> fail, int failures, Action<Tasks.TaskOptions> configure) =>
        _bed.App.Task(name, (TaskContext ctx) =>
        {
            Interlocked.Increment(ref _runs);
            return ctx.Retries < failures ? throw fail() : ctx.Retries;
        }, o =>
        {
            o.DefaultRetryDelay = TimeSpan.FromSeconds(10);
            configure(o);
        });

    [Fact]
    public async Task A_listed_exception_retries_the_task_and_RETRY_holds_it()
    {
        var task = Flaky("ar.listed", () => new IOException("disk busy"), 2, o => o.AutoRetryFor = [typeof(IOException)]);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        var (first, _, _) = await _bed.RetryAsync(r.Id, 1);
        var retry = await _bed.StoredAsync(r.Id);
        retry.Status.Should().Be(TaskStates.Retry);
        retry.Exception!.Type.Should().Be(nameof(IOException));
        retry.Exception.Message.Should().Be("disk busy");
        retry.Traceback.Should().Contain("Retry in 10s: IOException('disk busy')");
        first.Eta.Should().Be(_bed.Clock.GetUtcNow().AddSeconds(10), "no backoff: the default retry delay");
        await _bed.RunRetriesAsync(r.Id, 2); // fires the first, waits for and fires the second

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Success);
        (await _bed.StoredAsync(r.Id)).Result!.GetValue<int>().Should().Be(2);
        _runs.Should().Be(3);
    }

    [Fact]
    public async Task A_subclass_of_a_listed_exception_retries_too()
    {
        var task = Flaky("ar.subclass", () => new FileNotFoundException("gone"), 1, o => o.AutoRetryFor = [typeof(IOException)]);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        await _bed.RunRetriesAsync(r.Id, 1);

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Success);
        _runs.Should().Be(2);
    }

    [Fact]
    public async Task DontAutoRetryFor_wins_over_AutoRetryFor_and_covers_subclasses()
    {
        var task = Flaky("ar.dont", () => new ArgumentOutOfRangeException("x", "bad x"), 1, o =>
        {
            o.AutoRetryFor = [typeof(Exception)];
            o.DontAutoRetryFor = [typeof(ArgumentException)];
        });
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        _runs.Should().Be(1);
        _bed.RetriesOf(r.Id).Should().BeEmpty();
        (await _bed.StoredAsync(r.Id)).Exception!.Type.Should().Be(nameof(ArgumentOutOfRangeException));
    }

    [Fact]
    public async Task An_exception_not_listed_fails_the_task_at_once()
    {
        var task = Flaky("ar.other", () => new InvalidOperationException("logic"), 1, o => o.AutoRetryFor = [typeof(IOException)]);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        _runs.Should().Be(1);
        _bed.RetriesOf(r.Id).Should().BeEmpty();
        _bed.Signals.Of(Worker.WorkerSignalKind.Completed).Should().NotContain(s => s.State == TaskStates.Retry);
    }

    [Fact]
    public async Task Past_MaxRetries_the_original_exception_is_stored()
    {
        var task = Flaky("ar.max", () => new IOException("disk dead"), int.MaxValue, o =>
        {
            o.AutoRetryFor = [typeof(IOException)];
            o.MaxRetries = 2;
        });
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        await _bed.RunRetriesAsync(r.Id, 2);

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        _runs.Should().Be(3);
        _bed.RetriesOf(r.Id).Should().HaveCount(2);
        var failure = await _bed.StoredAsync(r.Id);
        failure.Exception!.Type.Should().Be(nameof(IOException));
        failure.Exception.Module.Should().Be("System.IO");
        failure.Exception.Message.Should().Be("disk dead");
    }

    [Fact]
    public async Task A_soft_time_limit_autoretries_when_SoftTimeLimitExceeded_is_listed()
    {
        // Python raises SoftTimeLimitExceeded inside the task, where autoretry_for catches it.
        var task = _bed.App.Task("ar.soft", async (TaskContext ctx) =>
        {
            Interlocked.Increment(ref _runs);
            if (ctx.Retries == 0) await Task.Delay(Timeout.Infinite, ctx.Cancellation);
            return ctx.Retries;
        }, o =>
        {
            o.AutoRetryFor = [typeof(Exceptions.SoftTimeLimitExceededException)];
            o.SoftTimeLimit = TimeSpan.FromSeconds(5);
            o.DefaultRetryDelay = TimeSpan.FromSeconds(1);
        });
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        await _bed.Signals.WaitForAsync(Worker.WorkerSignalKind.Started, r.Id);
        await _bed.Clock.WaitForTimersAsync(1);
        _bed.Clock.Advance(TimeSpan.FromSeconds(5));
        var (retry, _, _) = await _bed.RetryAsync(r.Id, 1);

        var stored = await _bed.StoredAsync(r.Id);
        stored.Exception!.Type.Should().Be("SoftTimeLimitExceeded");
        stored.Exception.Module.Should().Be("billiard.exceptions");
        await _bed.FireAtAsync(retry.Eta!.Value);
        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Success);
        _runs.Should().Be(2);
    }

    [Fact]
    public async Task A_soft_time_limit_is_not_retried_when_not_listed()
    {
        var task = _bed.App.Task("ar.soft-unlisted", async (TaskContext ctx) =>
        {
            Interlocked.Increment(ref _runs);
            await Task.Delay(Timeout.Infinite, ctx.Cancellation);
            return 0;
        }, o => { o.AutoRetryFor = [typeof(IOException)]; o.SoftTimeLimit = TimeSpan.FromSeconds(5); });
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        await _bed.Signals.WaitForAsync(Worker.WorkerSignalKind.Started, r.Id);
        await _bed.Clock.WaitForTimersAsync(1);
        _bed.Clock.Advance(TimeSpan.FromSeconds(5));

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure);
        (await _bed.StoredAsync(r.Id)).Exception!.Type.Should().Be("SoftTimeLimitExceeded");
        _runs.Should().Be(1);
    }

    [Fact]
    public async Task An_explicit_Retry_in_a_task_with_autoretry_keeps_its_own_countdown()
    {
        var task = _bed.App.Task("ar.explicit", (TaskContext ctx) =>
            ctx.Retries == 0 ? throw ctx.Retry(new IOException("x"), countdown: TimeSpan.FromSeconds(42)) : 1,
            o => { o.AutoRetryFor = [typeof(Exception)]; o.RetryBackoff = true; o.RetryJitter = false; });
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        var (retry, _, _) = await _bed.RetryAsync(r.Id, 1);

        retry.Eta.Should().Be(_bed.Clock.GetUtcNow().AddSeconds(42), "a Retry is never autoretried on top");
        _bed.RetriesOf(r.Id).Should().ContainSingle();
    }
}
