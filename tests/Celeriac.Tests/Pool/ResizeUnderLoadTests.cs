using System.Collections.Concurrent;
using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests.Pool;

/// <summary>
/// Nothing is lost or run twice while the pool grows and shrinks under load: thousands of tasks
/// drain while the pool is resized over and over (by pool_grow/pool_shrink, and by the autoscaler
/// with bounds that keep moving), and a stop in the middle of it gives back exactly what did not run.
/// </summary>
public sealed class ResizeUnderLoadTests
{
    private const int Tasks = 4000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_task_completes_exactly_once_while_the_pool_is_resized_again_and_again(bool acksLate)
    {
        await using var h = TestHarness.Create();
        var runs = new ConcurrentDictionary<string, int>();
        var task = h.App.Task("load.resize", async (TaskContext context, int i) =>
        {
            runs.AddOrUpdate(context.TaskId, 1, (_, n) => n + 1);
            if (i % 7 == 0) await Task.Delay(1); // some runs hold their slot across a resize
            return i;
        }, o => o.AcksLate = acksLate);
        var ids = new List<string>(Tasks);
        for (var i = 0; i < Tasks; i++) ids.Add((await task.DelayAsync(i)).Id);

        var (worker, signals) = await h.StartWorkerAsync(w => { w.Concurrency = 4; w.PrefetchMultiplier = 2; });
        var random = new Random(11);
        var resizes = 0;
        var drained = signals.CompletionsAsync(Tasks, TimeSpan.FromSeconds(120));
        while (!drained.IsCompleted)
        {
            if (random.Next(2) == 0) worker.GrowPool(random.Next(1, 6));
            else worker.ShrinkPool(random.Next(1, 8));
            resizes++;
            await Task.Delay(random.Next(0, 3));
        }
        await drained;
        await worker.StopAsync();

        resizes.Should().BeGreaterThan(20, "the pool changed size many times during the drain");
        runs.Should().HaveCount(Tasks).And.OnlyContain(r => r.Value == 1, "every task ran exactly once");
        signals.Of(WorkerSignalKind.Completed).Select(s => s.TaskId).Should().OnlyHaveUniqueItems().And.HaveCount(Tasks);
        signals.Of(WorkerSignalKind.Restored).Should().BeEmpty();
        h.Broker.Depth("celery").Should().Be(0);
        worker.Unsettled.Should().Be(0);
        foreach (var id in ids.Where((_, i) => i % 97 == 0)) (await h.StoredAsync(id)).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task Every_task_completes_exactly_once_while_the_autoscaler_chases_moving_bounds()
    {
        var clock = new VirtualClock();
        await using var h = TestHarness.Create(o => o.TimeProvider = clock);
        var runs = new ConcurrentDictionary<string, int>();
        // The first tasks wait for the 25th look, so the drain spans many resizes however fast the machine is.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = h.App.Task("load.autoscale", async (TaskContext context, int i) =>
        {
            runs.AddOrUpdate(context.TaskId, 1, (_, n) => n + 1);
            if (i < 4) await held.Task;
            if (i % 5 == 0) await Task.Yield();
            return i;
        });
        for (var i = 0; i < Tasks; i++) await task.DelayAsync(i);

        var (worker, signals) = await h.StartWorkerAsync(w => { w.Autoscale = (8, 0); w.AutoscaleKeepalive = TimeSpan.FromSeconds(1); });
        var random = new Random(7);
        var looks = 0;
        var drained = signals.CompletionsAsync(Tasks, TimeSpan.FromSeconds(120));
        while (!drained.IsCompleted)
        {
            var max = random.Next(1, 9);
            if (looks % 3 == 0) worker.SetAutoscale(max, random.Next(0, max + 1));
            // A look a second; every other one past the keep-alive, so the pool shrinks as well as grows (to 0 too).
            clock.Advance(TimeSpan.FromSeconds(random.Next(1, 3)));
            if (++looks == 25) held.TrySetResult();
            await Task.Delay(random.Next(0, 3));
        }
        await drained;
        await worker.StopAsync();

        looks.Should().BeGreaterThan(20);
        runs.Should().HaveCount(Tasks).And.OnlyContain(r => r.Value == 1, "every task ran exactly once");
        signals.Of(WorkerSignalKind.Completed).Select(s => s.TaskId).Should().OnlyHaveUniqueItems();
        h.Broker.Depth("celery").Should().Be(0);
        worker.Unsettled.Should().Be(0);
    }

    [Fact]
    public async Task A_stop_in_the_middle_of_resizing_gives_back_exactly_what_did_not_run()
    {
        await using var h = TestHarness.Create();
        var runs = new ConcurrentDictionary<string, int>();
        var task = h.App.Task("load.stop", async (TaskContext context, int i) =>
        {
            runs.AddOrUpdate(context.TaskId, 1, (_, n) => n + 1);
            await Task.Delay(i % 3);
            return i;
        });
        var ids = new HashSet<string>();
        for (var i = 0; i < Tasks; i++) ids.Add((await task.DelayAsync(i)).Id);

        var (worker, signals) = await h.StartWorkerAsync(w => { w.Concurrency = 3; w.PrefetchMultiplier = 8; w.ShutdownTimeout = TimeSpan.FromSeconds(30); });
        var random = new Random(5);
        var half = signals.CompletionsAsync(Tasks / 4, TimeSpan.FromSeconds(60));
        while (!half.IsCompleted)
        {
            if (random.Next(2) == 0) worker.GrowPool(random.Next(1, 4));
            else worker.ShrinkPool(random.Next(1, 4));
            await Task.Delay(1);
        }
        var stopping = worker.StopAsync();
        while (!stopping.IsCompleted)
        {
            worker.GrowPool(1);
            worker.ShrinkPool(2);
            await Task.Delay(1);
        }
        await stopping;

        var left = (await h.DrainAsync("celery")).Select(m => m.Message.Id).ToList();
        left.Should().NotBeEmpty("the stop came with most of the queue still to drain");
        runs.Should().OnlyContain(r => r.Value == 1, "nothing ran twice");
        left.Should().OnlyHaveUniqueItems();
        runs.Keys.Intersect(left).Should().BeEmpty("what ran is not given back");
        runs.Keys.Concat(left).Should().BeEquivalentTo(ids, "every task either ran or is back in its queue");
        signals.Of(WorkerSignalKind.Completed).Should().HaveCount(runs.Count);
    }
}
