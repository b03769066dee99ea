using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>
/// Which limit applies (docs/protocol.md §5.8): the message's <c>timelimit</c> header <c>[hard, soft]</c>, each
/// element on its own, over the task's option, over the app's default.
/// </summary>
public sealed class TimeLimitPrecedenceTests : IAsyncLifetime
{
    private readonly VirtualClock _clock = new();
    private readonly Gate _stuck = new();
    private readonly Gate _entered = new();
    private readonly TestHarness _h;
    private SignalRecorder _signals = null!;

    public TimeLimitPrecedenceTests() => _h = TestHarness.Create(o =>
    {
        o.TimeProvider = _clock;
        o.TaskTimeLimit = TimeSpan.FromSeconds(100);
        o.TaskSoftTimeLimit = TimeSpan.FromSeconds(90);
    });

    public async Task InitializeAsync() => (_, _signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

    public async Task DisposeAsync()
    {
        _stuck.Open();
        await _h.DisposeAsync();
    }

    /// <summary>A task that ignores its token, so only the hard limit ends it; records when its token fired.</summary>
    private Tasks.CeleriacActionTask Blocking(string name, Action<Tasks.TaskOptions>? configure, List<TimeSpan> softFiredAfter)
    {
        var start = _clock.GetUtcNow();
        return _h.App.Task(name, async (TaskContext ctx) =>
        {
            ctx.Cancellation.Register(() => { lock (softFiredAfter) softFiredAfter.Add(_clock.GetUtcNow() - start); });
            _entered.Open(); // the body runs on its own thread (hard limit): the clock may move only once it listens
            await _stuck.Task;
        }, configure);
    }

    /// <summary>Runs the task, advances to just before <paramref name="hard"/> (still running), then to it: FAILURE [hard].</summary>
    private async Task ShouldHitHardLimitAtAsync(AsyncResult r, double hard)
    {
        await _entered.WaitAsync();
        await _clock.WaitForTimersAsync(2); // soft and hard
        _clock.Advance(TimeSpan.FromSeconds(hard - 0.5));
        _signals.Of(WorkerSignalKind.Completed).Should().BeEmpty($"the hard limit is {hard} s");
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        (await _signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        var meta = await _h.StoredAsync(r.Id);
        meta.Exception!.Type.Should().Be("TimeLimitExceeded");
        meta.Result!["exc_message"]!.ToJsonString().Should().Be($"[{hard}]");
    }

    [Fact]
    public async Task Without_task_options_or_header_the_app_defaults_apply()
    {
        var fired = new List<TimeSpan>();
        var task = Blocking("tl.app", null, fired);

        await ShouldHitHardLimitAtAsync(await task.DelayAsync(), 100);

        fired.Should().Equal(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Task_options_override_the_app_defaults()
    {
        var fired = new List<TimeSpan>();
        var task = Blocking("tl.task", o => { o.TimeLimit = TimeSpan.FromSeconds(50); o.SoftTimeLimit = TimeSpan.FromSeconds(40); }, fired);

        await ShouldHitHardLimitAtAsync(await task.DelayAsync(), 50);

        fired.Should().Equal(TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task The_timelimit_header_overrides_task_options()
    {
        var fired = new List<TimeSpan>();
        var task = Blocking("tl.header", o => { o.TimeLimit = TimeSpan.FromSeconds(50); o.SoftTimeLimit = TimeSpan.FromSeconds(40); }, fired);

        var r = await task.ApplyAsync(options: new TaskSendOptions { TimeLimit = TimeSpan.FromSeconds(20), SoftTimeLimit = TimeSpan.FromSeconds(15) });
        await ShouldHitHardLimitAtAsync(r, 20);

        fired.Should().Equal(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_header_with_only_a_soft_limit_keeps_the_tasks_hard_limit()
    {
        var fired = new List<TimeSpan>();
        var task = Blocking("tl.header-soft", o => o.TimeLimit = TimeSpan.FromSeconds(50), fired);

        var r = await task.ApplyAsync(options: new TaskSendOptions { SoftTimeLimit = TimeSpan.FromSeconds(15) });
        await ShouldHitHardLimitAtAsync(r, 50);

        fired.Should().Equal(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_zero_in_the_header_means_not_set_as_in_python_so_the_tasks_limits_apply()
    {
        // Python's worker reads each element as `header or task default`: 0 falls back.
        var fired = new List<TimeSpan>();
        var task = Blocking("tl.header-zero", o => { o.TimeLimit = TimeSpan.FromSeconds(50); o.SoftTimeLimit = TimeSpan.FromSeconds(40); }, fired);

        var r = await task.ApplyAsync(options: new TaskSendOptions { TimeLimit = TimeSpan.Zero, SoftTimeLimit = TimeSpan.Zero });
        await ShouldHitHardLimitAtAsync(r, 50);

        fired.Should().Equal(TimeSpan.FromSeconds(40));
    }
}
