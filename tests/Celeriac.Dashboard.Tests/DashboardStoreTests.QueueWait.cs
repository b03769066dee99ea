using Celeriac.Dashboard.Store;
using Celeriac.Dashboard.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests;

public abstract partial class DashboardStoreTests
{
    private static TaskEvent Sent(string id, double at, string name, string queue) => new(id, "PENDING", T0.AddSeconds(at)) { Name = name, Queue = queue };

    [StoreFact]
    public async Task Queue_waits_count_from_sent_or_received_to_started_per_task_and_queue()
    {
        // "a": sent at 0 to "high", received at 1 (a Python worker's task-received: no queue), started at 3 → waited 3 s.
        await WriteAsync(Sent("a", 0, "tasks.add", "high"));
        await WriteAsync(Received("a", 1) with { Queue = null });
        await WriteAsync(Started("a", 3), Succeeded("a", 4, runtime: 1));
        // "b": no task-sent; received on "low" at 10, started at 10.05 → waited 0.05 s.
        await WriteAsync(Received("b", 10) with { Queue = "low" }, Started("b", 10.05), Succeeded("b", 11));
        // "c": no queue anywhere: counted under no queue.
        await WriteAsync(Received("c", 20, name: "tasks.mul") with { Queue = null }, Started("c", 21));

        (await Store.GetTaskAsync("a"))!.Task.Should().Match<TaskRecord>(t => t.Queue == "high" && t.Sent == T0 && t.QueueWait == TimeSpan.FromSeconds(3));
        (await Store.GetTaskAsync("b"))!.Task.QueueWait!.Value.TotalSeconds.Should().BeApproximately(0.05, 1e-6);

        var all = await Store.GetRollupsAsync(T0, T0.AddMinutes(1));
        all.Select(r => (r.TaskName, r.Queue, r.Received, r.Succeeded)).Should().BeEquivalentTo(new[]
        {
            ("tasks.add", (string?)"high", 1L, 1L), ("tasks.add", "low", 1L, 1L), ("tasks.mul", null, 1L, 0L),
        });
        var high = (await Store.GetRollupsAsync(T0, T0.AddMinutes(1), queue: "high")).Should().ContainSingle().Subject;
        high.WaitSum.Should().BeApproximately(3, 1e-6);
        RuntimeBuckets.Percentile(high.WaitCounts, 50).Should().Be(5);
        var add = await Store.GetRollupsAsync(T0, T0.AddMinutes(1), taskName: "tasks.add");
        RuntimeBuckets.SumWaits(add).Sum().Should().Be(2);
        RuntimeBuckets.Percentile(RuntimeBuckets.SumWaits(add), 50).Should().Be(0.05);
        (await Store.GetRollupsAsync(T0, T0.AddMinutes(1), taskName: "tasks.add", queue: "low")).Should().ContainSingle().Which.Received.Should().Be(1);
    }

    [StoreFact]
    public async Task A_task_sent_stamped_after_its_receipt_never_moves_the_state_back_and_waits_count_from_the_earlier()
    {
        // The client stamps task-sent after publishing, so a fast worker's task-received can carry an earlier time.
        await WriteAsync(Received("s", 0), Started("s", 0.2));
        await WriteAsync(Sent("s", 0.5, "tasks.add", "celery")); // a later batch
        (await Store.GetTaskAsync("s"))!.Task.State.Should().Be("STARTED");
        await WriteAsync(Succeeded("s", 0.4)); // older than the task-sent, newer than the start
        var task = (await Store.GetTaskAsync("s"))!.Task;
        task.State.Should().Be("SUCCESS");
        task.QueueWait.Should().Be(TimeSpan.FromSeconds(0.2));

        await WriteAsync(Received("m", 10), Sent("m", 10.5, "tasks.add", "celery"), Started("m", 10.1)); // one batch
        (await Store.GetTaskAsync("m"))!.Task.State.Should().Be("STARTED");
        var rollup = (await Store.GetRollupsAsync(T0.AddSeconds(10), T0.AddSeconds(11))).Should().ContainSingle().Subject;
        rollup.WaitSum.Should().BeApproximately(0.2 + 0.1, 1e-6); // both in minute T0: "s" waited 0.2 s, "m" 0.1 s (from its receipt)
    }

    [StoreFact]
    public async Task Offline_workers_age_out_of_the_list_and_are_pruned()
    {
        Clock.Now = T0;
        await Store.WriteAsync(new DashboardBatch
        {
            Workers =
            [
                new WorkerUpdate("celery@live", T0, true) { Frequency = 2 },
                new WorkerUpdate("celery@silent", T0.AddSeconds(-100), true) { Frequency = 2 },
                new WorkerUpdate("celery@gone", T0.AddSeconds(-10), false),
                new WorkerUpdate("celery@back", T0.AddSeconds(-10), false),
                new WorkerUpdate("celery@back", T0.AddSeconds(-5), true) { Frequency = 5 },
            ],
        });
        var workers = await Store.GetWorkersAsync();
        workers.Select(w => (w.Hostname, w.Online)).Should().Equal(
            ("celery@back", true), ("celery@live", true), ("celery@gone", false), ("celery@silent", false));
        workers.Single(w => w.Hostname == "celery@silent").OfflineSince.Should().Be(T0.AddSeconds(-96), "silent past twice its heartbeat interval");
        workers.Single(w => w.Hostname == "celery@gone").OfflineSince.Should().Be(T0.AddSeconds(-10));

        Clock.Now = T0.AddDays(1).AddSeconds(-50); // "silent" is past a day offline, "gone" not yet
        (await Store.GetWorkersAsync()).Select(w => w.Hostname).Should().Equal("celery@back", "celery@gone", "celery@live");
        Clock.Now = T0.AddDays(2);
        (await Store.GetWorkersAsync()).Should().BeEmpty();

        // Pruning 30 s after T0 with 30 s kept deletes only "silent" (offline since T0 − 96 s).
        await Store.PruneAsync(new RetentionPolicy { OfflineWorkerRetention = TimeSpan.FromSeconds(30), Now = T0 });
        Clock.Now = T0;
        (await Store.GetWorkersAsync()).Select(w => w.Hostname).Should().Equal("celery@back", "celery@live", "celery@gone");
    }
}
