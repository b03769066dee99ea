using Celeriac.Protocol.Results;
using Celeriac.Tasks;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>
/// A fault in the worker's own code while a slot handles a task (not the task's failure) neither
/// loses the slot nor the task: the task is recorded failed, its message settled, and the worker
/// keeps running as many tasks at once as configured.
/// </summary>
public sealed class SlotFaultTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Sends <paramref name="n"/> tasks that each wait until all <paramref name="n"/> run at once; true when they did.</summary>
    private async Task<bool> RunAtOnceAsync(CeleriacTask<bool> task, SignalRecorder signals, int n, CountdownEvent together)
    {
        var ids = new List<string>();
        for (var i = 0; i < n; i++) ids.Add((await task.DelayAsync()).Id);
        foreach (var id in ids) await signals.CompletedAsync(id, TimeSpan.FromSeconds(20));
        foreach (var id in ids)
            if ((await _h.StoredAsync(id)).Result?.GetValue<bool>() != true) return false;
        return together.IsSet;
    }

    [Fact]
    public async Task Slots_that_fault_are_replaced_and_the_worker_still_runs_three_tasks_at_once()
    {
        var together = new CountdownEvent(3);
        var meet = _h.App.Task("slot.meet", () =>
        {
            together.Signal();
            // Every one of the three waits for the others: only three live slots let them all finish true.
            return together.Wait(TimeSpan.FromSeconds(10));
        });
        var victim = _h.App.Task("slot.victim", () => "never runs");
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 3);
        worker.SlotFaultForTests = r => { if (r.Message.Task == "slot.victim") throw new InvalidOperationException("injected slot fault"); };

        var victims = new List<string>();
        for (var i = 0; i < 3; i++) victims.Add((await victim.DelayAsync()).Id);
        foreach (var id in victims)
        {
            var done = await signals.CompletedAsync(id);
            done.State.Should().Be(TaskStates.Failure);
            var stored = await _h.StoredAsync(id);
            stored.Status.Should().Be(TaskStates.Failure);
            stored.Exception!.Message.Should().Be("injected slot fault");
        }
        await Until.TrueAsync(() => worker.Unsettled == 0, "the victims' messages are settled, not held");

        (await RunAtOnceAsync(meet, signals, 3, together)).Should().BeTrue("all three slots live on");
    }

    [Fact]
    public async Task A_task_with_time_limits_of_60_days_runs_and_its_slot_lives_on()
    {
        // A peer may send any time_limit; one beyond a .NET timer's ~49.7 days used to throw inside the slot.
        var task = _h.App.Task("slot.long_limit", (int n) => n * 2);
        var (_, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        var limited = await task.ApplyAsync(21, options: new TaskSendOptions { TimeLimit = TimeSpan.FromDays(60), SoftTimeLimit = TimeSpan.FromDays(60) });
        (await signals.CompletedAsync(limited.Id)).State.Should().Be(TaskStates.Success);
        (await _h.StoredAsync(limited.Id)).Result!.GetValue<int>().Should().Be(42);

        var next = await task.DelayAsync(1);
        (await signals.CompletedAsync(next.Id)).State.Should().Be(TaskStates.Success);
    }
}
