using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Revocation;

/// <summary>
/// The <c>rate_limit</c> and <c>time_limit</c> commands (docs/protocol.md §5.8, §5.9): per-worker limits that take
/// effect for the next runs, with Celery 5.2.6's replies (vectors pidbox_rate_limit, pidbox_time_limit).
/// </summary>
public sealed class RemoteLimitTests : IAsyncLifetime
{
    private readonly VirtualClock _clock = new();
    private readonly TestHarness _h;
    private readonly ConcurrentQueue<(int N, DateTimeOffset At)> _runs = new();

    public RemoteLimitTests() => _h = TestHarness.Create(o => o.TimeProvider = _clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static JsonObject Rate(string task, JsonNode? rate) => new() { ["task_name"] = task, ["rate_limit"] = rate };

    [Fact]
    public async Task A_rate_set_remotely_holds_the_next_runs_of_that_task_on_this_worker()
    {
        var task = _h.App.Task("rl.remote", (int n) => { _runs.Enqueue((n, _clock.GetUtcNow())); return n; });
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);
        var start = _clock.GetUtcNow();
        var free = await task.DelayAsync(0);
        await signals.CompletedAsync(free.Id);

        worker.RateLimitCommand(Rate("rl.remote", "1/m"))!.ToJsonString().Should().Be("""{"ok":"new rate limit set successfully"}""");
        var first = await task.DelayAsync(1);
        var second = await task.DelayAsync(2);
        await signals.CompletedAsync(first.Id);
        await signals.WaitForAsync(Worker.WorkerSignalKind.Received, second.Id);
        await Until.QuietWindowAsync();
        signals.Of(Worker.WorkerSignalKind.Completed).Should().NotContain(s => s.TaskId == second.Id, "it waits for its token");

        _clock.Advance(TimeSpan.FromSeconds(60));
        await signals.CompletedAsync(second.Id);
        _runs.Single(r => r.N == 2).At.Should().Be(start + TimeSpan.FromSeconds(60));

        // Disabled again: the next ones run at once.
        worker.RateLimitCommand(Rate("rl.remote", null))!.ToJsonString().Should().Be("""{"ok":"rate limit disabled successfully"}""");
        var third = await task.DelayAsync(3);
        var fourth = await task.DelayAsync(4);
        await signals.CompletedAsync(third.Id);
        await signals.CompletedAsync(fourth.Id);
    }

    [Fact]
    public async Task Rate_limit_replies_are_Celerys_for_unknown_tasks_and_bad_rates()
    {
        _h.App.Task("rl.known", () => 1);
        var (worker, _) = await _h.StartWorkerAsync();

        worker.RateLimitCommand(Rate("rl.nope", "1/s"))!.ToJsonString().Should().Be("""{"error":"unknown task"}""");
        // Texts as Python 5.2.6 gives them (celery.utils.time.rate, then repr of the exception).
        worker.RateLimitCommand(Rate("rl.known", "abc/s"))!["error"]!.GetValue<string>()
            .Should().Be("Invalid rate limit string: ValueError(\"could not convert string to float: 'abc'\")");
        worker.RateLimitCommand(Rate("rl.known", "/s"))!["error"]!.GetValue<string>()
            .Should().Be("Invalid rate limit string: ValueError(\"could not convert string to float: ''\")");
        worker.RateLimitCommand(Rate("rl.known", "a\"b'c/s"))!["error"]!.GetValue<string>()
            .Should().Be("Invalid rate limit string: ValueError('could not convert string to float: \\'a\"b\\\\\\'c\\'')");
        worker.RateLimitCommand(Rate("rl.known", "10/x"))!["error"]!.GetValue<string>().Should().Be("KeyError('x')");
        // Python checks the rate before the task.
        worker.RateLimitCommand(Rate("rl.nope", "abc"))!["error"]!.GetValue<string>().Should().StartWith("Invalid rate limit string");
        worker.RateLimitCommand(Rate("rl.known", 5))!["ok"]!.GetValue<string>().Should().Be("new rate limit set successfully");
        worker.RateLimitCommand(Rate("rl.known", "0"))!["ok"]!.GetValue<string>().Should().Be("new rate limit set successfully", "\"0\" is a truthy string in Python");
        worker.RateLimitCommand(Rate("rl.known", ""))!["ok"]!.GetValue<string>().Should().Be("rate limit disabled successfully");
    }

    [Fact]
    public async Task A_soft_time_limit_set_remotely_applies_to_the_next_run_of_that_task()
    {
        var started = new ConcurrentQueue<string>();
        var task = _h.App.Task("tl.remote", async (TaskContext context) =>
        {
            started.Enqueue(context.TaskId);
            await Task.Delay(Timeout.Infinite, context.Cancellation);
        });
        var (worker, signals) = await _h.StartWorkerAsync();
        worker.TimeLimitCommand(new JsonObject { ["task_name"] = "tl.nope", ["hard"] = 60, ["soft"] = 50 })!
            .ToJsonString().Should().Be("""{"error":"unknown task"}""");

        worker.TimeLimitCommand(new JsonObject { ["task_name"] = "tl.remote", ["hard"] = null, ["soft"] = 5 })!
            .ToJsonString().Should().Be("""{"ok":"time limits set successfully"}""");
        var r = await task.DelayAsync();
        await Until.TrueAsync(() => started.Contains(r.Id), "the task runs");
        _clock.Advance(TimeSpan.FromSeconds(5));

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        (await _h.StoredAsync(r.Id)).Exception!.Type.Should().Be("SoftTimeLimitExceeded");
    }

    [Fact]
    public async Task A_hard_time_limit_set_remotely_frees_the_slot_of_the_next_run_with_TimeLimitExceeded()
    {
        var task = _h.App.Task("tl.hard", async () => { await Task.Delay(Timeout.Infinite); });
        var (worker, signals) = await _h.StartWorkerAsync();
        worker.TimeLimitCommand(new JsonObject { ["task_name"] = "tl.hard", ["hard"] = "7", ["soft"] = null });

        var r = await task.DelayAsync();
        await signals.WaitForAsync(Worker.WorkerSignalKind.Started, r.Id);
        await Until.TrueAsync(() => { _clock.Advance(TimeSpan.FromSeconds(1)); return worker.Active == 0; }, "the hard limit cut the run");

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        (await _h.StoredAsync(r.Id)).Exception!.Type.Should().Be("TimeLimitExceeded");
    }
}
