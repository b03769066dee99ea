using Celeriac.Dashboard.Store;
using Celeriac.Dashboard.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Ingestion;

/// <summary>
/// The end-to-end check both stores run: tasks on a Python worker (when given) and on the host's Celeriac worker,
/// then what the store must hold — workers with their software, every task in its final state with its fields,
/// queue and queue wait, results longer than an event's repr read whole from the backend, per-queue rollups.
/// </summary>
internal static class IngestionScenario
{
    /// <summary>Runs it; returns the task ids sent, by what they are.</summary>
    public static async Task<Dictionary<string, string>> RunAsync(DashboardHost host, PythonCeleryWorker? python, TimeSpan within)
    {
        var store = host.Store;
        string Context() => $"stats: ingested {host.Stats.EventsIngested}, dropped {host.Stats.Dropped}, malformed {host.Stats.Malformed}" +
                            (python is null ? "" : $"\npython worker:\n{python.Output}");

        var expectedWorkers = python is null ? 1 : 2;
        var workers = await Poll.UntilAsync(() => store.GetWorkersAsync(), w => w.Count(x => x.Online) >= expectedWorkers, within, Context);
        workers.Should().Contain(w => w.Hostname == "cx@dashboard-tests" && w.SoftwareIdent == "celeriac" && w.Online);
        if (python is not null)
            workers.Should().Contain(w => w.Hostname == python.Node && w.SoftwareIdent == "py-celery" && w.Online && w.Frequency > 0);

        var app = host.Celeriac;
        var ids = new Dictionary<string, string>();
        async Task Send(string key, string name, object?[] args, string queue) =>
            ids[key] = (await app.SendTaskAsync(name, args, options: new TaskSendOptions { Queue = queue })).Id;
        if (python is not null)
        {
            await Send("py.add", "dash.add", [2, 3], "dash.py");
            await Send("py.long", "dash.long", [3000], "dash.py");
            await Send("py.fail", "dash.fail", ["kaboom"], "dash.py");
        }
        await Send("cx.add", "dash.cx.add", [4, 5], DashboardHost.CeleriacQueue);
        await Send("cx.long", "dash.cx.long", [3000], DashboardHost.CeleriacQueue);

        async Task<TaskRecord> Final(string key, Func<TaskRecord, bool>? also = null) =>
            (await Poll.UntilAsync(() => store.GetTaskAsync(ids[key]),
                d => d?.Task.State is "SUCCESS" or "FAILURE" && d.Task.Started is not null && (also is null || also(d.Task)), within, Context))!.Task;

        var cxAdd = await Final("cx.add");
        cxAdd.Should().Match<TaskRecord>(t => t.Name == "dash.cx.add" && t.Worker == "cx@dashboard-tests" && t.Queue == DashboardHost.CeleriacQueue
                                              && t.Result == "9" && t.Runtime >= 0 && t.Sent != null && t.QueueWait >= TimeSpan.Zero);
        // The event's result is a 1,024-character repr; the backend's whole JSON string replaces it.
        (await Final("cx.long", t => t.Result?.Length > 3000)).Result.Should().Be("\"" + new string('z', 3000) + "\"");
        var detail = await store.GetTaskAsync(ids["cx.add"]);
        detail!.Timeline.Select(e => e.State).Should().BeEquivalentTo(["PENDING", "RECEIVED", "STARTED", "SUCCESS"]); // task-sent is stamped after the publish

        if (python is not null)
        {
            var pyAdd = await Final("py.add");
            pyAdd.Should().Match<TaskRecord>(t => t.Name == "dash.add" && t.Worker == python.Node && t.Queue == "dash.py" && t.Args == "(2, 3)" /* the client's argsrepr */
                                                  && t.Result == "5" && t.QueueWait >= TimeSpan.Zero);
            // Celery 5.2.6's task-failed says "ExceptionWithTraceback()"; the backend's meta names the exception.
            var fail = await Final("py.fail", t => t.Exception?.Contains("kaboom", StringComparison.Ordinal) == true);
            fail.State.Should().Be("FAILURE");
            fail.Exception.Should().Contain("kaboom");
            fail.Traceback.Should().Contain("ValueError");
            (await Final("py.long", t => t.Result?.Length > 3000)).Result.Should().Be("\"" + new string('y', 3000) + "\"");
            (await store.QueryTasksAsync(new TaskQuery { Text = "kaboom" })).Tasks.Should().ContainSingle().Which.Id.Should().Be(ids["py.fail"]);
        }

        // A receipt or start ingested before its task-sent (the client stamps and sends that after publishing) counts
        // under no queue, so the totals are checked per task name and the queue's share as having some.
        var now = DateTimeOffset.UtcNow;
        var all = await Poll.UntilAsync(() => store.GetRollupsAsync(now.AddHours(-1), now.AddHours(1)),
            r => r.Where(x => x.TaskName.StartsWith("dash.cx.", StringComparison.Ordinal)).Sum(x => x.Succeeded) >= 2, within, Context);
        void Totals(string[] names, string queue, long tasks, long failed)
        {
            var mine = all.Where(x => names.Contains(x.TaskName)).ToList();
            mine.Sum(r => r.Received).Should().Be(tasks);
            mine.Sum(r => r.Failed).Should().Be(failed);
            RuntimeBuckets.SumWaits(mine).Sum().Should().Be(tasks, "each started task counts its queue wait");
            mine.Where(r => r.Queue == queue).Sum(r => r.Succeeded + r.Failed).Should().BeGreaterThan(0, "finishes come after their task-sent");
        }
        Totals(["dash.cx.add", "dash.cx.long"], DashboardHost.CeleriacQueue, 2, 0);
        if (python is not null) Totals(["dash.add", "dash.long", "dash.fail"], "dash.py", 3, 1);
        host.Stats.EventsIngested.Should().BeGreaterThan(0);
        host.Stats.Malformed.Should().Be(0);
        host.Stats.Lag.Should().NotBeNull();
        return ids;
    }
}
