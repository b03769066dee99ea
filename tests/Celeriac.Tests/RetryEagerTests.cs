using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>
/// Eager mode (<c>task_always_eager</c>): a retry runs again at once in the caller, as Celery's
/// eager <c>apply()</c> does — no countdown, no message, no worker.
/// </summary>
public sealed class RetryEagerTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create(o => o.AlwaysEager = true);
    private readonly List<int> _seenRetries = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_task_that_retries_twice_returns_its_value_from_DelayAsync()
    {
        var task = _h.App.Task("re.flaky", (int n, TaskContext ctx) =>
        {
            _seenRetries.Add(ctx.Retries);
            if (ctx.Retries < 2) throw ctx.Retry(new InvalidOperationException("not yet"), countdown: TimeSpan.FromHours(1));
            return new JsonObject { ["n"] = n, ["retries"] = ctx.Retries, ["eager"] = ctx.IsEager };
        });

        var r = await task.DelayAsync(7);

        r.State.Should().Be(TaskStates.Success);
        JsonNode.DeepEquals(await r.GetAsync(TimeSpan.FromSeconds(1)), new JsonObject { ["n"] = 7, ["retries"] = 2, ["eager"] = true })
            .Should().BeTrue();
        _seenRetries.Should().Equal(0, 1, 2);
        _h.Broker.Depth("celery").Should().Be(0, "an eager retry publishes nothing");
    }

    [Fact]
    public async Task Retry_arguments_replace_the_arguments_of_the_eager_rerun()
    {
        var task = _h.App.Task("re.args", (int n, TaskContext ctx) =>
            ctx.Retries == 0 ? throw ctx.Retry(args: [n * 10], countdown: TimeSpan.FromSeconds(1)) : n);

        var r = await task.DelayAsync(4);

        (await r.GetAsync(TimeSpan.FromSeconds(1))).Should().Be(40);
    }

    [Fact]
    public async Task Autoretry_reruns_eagerly_whatever_the_backoff()
    {
        var task = _h.App.Task("re.auto", (TaskContext ctx) =>
        {
            _seenRetries.Add(ctx.Retries);
            return ctx.Retries < 2 ? throw new IOException("flaky") : "ok";
        }, o => { o.AutoRetryFor = [typeof(IOException)]; o.RetryBackoff = 60; });

        var r = await task.DelayAsync();

        (await r.GetAsync(TimeSpan.FromSeconds(1))).Should().Be("ok");
        _seenRetries.Should().Equal(0, 1, 2);
    }

    [Fact]
    public async Task Past_MaxRetries_the_eager_result_is_FAILURE_with_the_original_exception()
    {
        var task = _h.App.Task("re.max", (TaskContext ctx) =>
        {
            _seenRetries.Add(ctx.Retries);
            throw ctx.Retry(new TimeoutException("down"));
        });

        var r = await task.DelayAsync();

        r.State.Should().Be(TaskStates.Failure);
        r.Failure!.Type.Should().Be(nameof(TimeoutException));
        r.Failure.Message.Should().Be("down");
        _seenRetries.Should().Equal(0, 1, 2, 3);
        var failed = await r.Invoking(x => x.GetAsync(TimeSpan.FromSeconds(1))).Should().ThrowAsync<TaskFailedException>();
        failed.Which.ExceptionType.Should().Be(nameof(TimeoutException));
    }

    [Fact]
    public async Task With_EagerPropagates_the_exception_passed_to_the_last_retry_is_thrown_to_the_caller()
    {
        await using var h = TestHarness.Create(o => { o.AlwaysEager = true; o.EagerPropagates = true; });
        var last = new TimeoutException("down for good");
        var task = h.App.Task("re.propagate", (TaskContext ctx) =>
            ctx.Retries >= 0 ? throw ctx.Retry(ctx.Retries < 3 ? new TimeoutException("down") : last) : 0);

        var thrown = await task.Invoking(t => t.DelayAsync()).Should().ThrowAsync<TimeoutException>();
        thrown.Which.Should().BeSameAs(last);
    }

    [Fact]
    public async Task Past_MaxRetries_without_an_exception_the_eager_result_is_MaxRetriesExceededError()
    {
        var task = _h.App.Task("re.max-none", (TaskContext ctx) => ctx.Retries >= 0 ? throw ctx.Retry() : 0, o => o.MaxRetries = 2);

        var r = await task.DelayAsync();

        r.State.Should().Be(TaskStates.Failure);
        r.Failure!.Type.Should().Be("MaxRetriesExceededError");
        r.Failure.Module.Should().Be(CeleryExceptions.CeleryModule);
    }

    [Fact]
    public async Task An_eager_autoretry_past_MaxRetries_fails_with_the_original_exception()
    {
        var task = _h.App.Task("re.auto-max", (Func<int>)(() => throw new IOException("gone")), o =>
        {
            o.AutoRetryFor = [typeof(IOException)];
            o.MaxRetries = 1;
        });

        var r = await task.DelayAsync();

        r.State.Should().Be(TaskStates.Failure);
        r.Failure!.Type.Should().Be(nameof(IOException));
        r.Failure.Message.Should().Be("gone");
    }
}
