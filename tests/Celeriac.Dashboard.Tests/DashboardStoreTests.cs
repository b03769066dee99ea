using Celeriac.Dashboard.Store;

using Celeriac.Dashboard.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests;

/// <summary>
/// The store's behaviours, one suite for every store (<see cref="SqliteDashboardStoreTests"/>,
/// <see cref="PostgresDashboardStoreTests"/>): each test gets a fresh, initialised, empty store.
/// </summary>
public abstract partial class DashboardStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private IDashboardStore? _store;

    /// <summary>The stores' clock (workers' heartbeats are judged by it): 5 s after <see cref="T0"/> unless a test moves it.</summary>
    protected ManualClock Clock { get; } = new(T0.AddSeconds(5));

    protected IDashboardStore Store => _store!;

    /// <summary>A new store on empty storage, not yet initialised; the same <paramref name="reopen"/> key opens the same storage.</summary>
    protected abstract Task<IDashboardStore> CreateStoreAsync(DashboardStoreOptions? options = null, string? reopen = null);

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync(new DashboardStoreOptions { TimeProvider = Clock });
        await _store.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private static TaskEvent Received(string id, double at, string name = "tasks.add", string args = "[2, 2]") =>
        new(id, "RECEIVED", T0.AddSeconds(at)) { Name = name, Args = args, Kwargs = "{}", Worker = "celery@a", Queue = "celery", RootId = id, Retries = 0 };

    private static TaskEvent Started(string id, double at) => new(id, "STARTED", T0.AddSeconds(at)) { Worker = "celery@a" };

    private static TaskEvent Succeeded(string id, double at, double runtime = 0.5, string result = "4") =>
        new(id, "SUCCESS", T0.AddSeconds(at)) { Result = result, Runtime = runtime, Worker = "celery@a" };

    private static TaskEvent Failed(string id, double at) =>
        new(id, "FAILURE", T0.AddSeconds(at)) { Exception = "ZeroDivisionError('division by zero')", Traceback = "Traceback (most recent call last):\n  File \"tasks.py\", line 3\nZeroDivisionError: division by zero", Worker = "celery@a" };

    private Task WriteAsync(params TaskEvent[] events) => Store.WriteAsync(new DashboardBatch { Tasks = events });

    private async Task<List<TaskRecord>> AllAsync(TaskQuery query)
    {
        var all = new List<TaskRecord>();
        for (string? cursor = null; ;)
        {
            var page = await Store.QueryTasksAsync(query with { Cursor = cursor });
            all.AddRange(page.Tasks);
            if ((cursor = page.NextCursor) is null) return all;
        }
    }

    [StoreFact]
    public async Task A_success_in_one_batch_is_one_record_with_a_timeline()
    {
        await WriteAsync(Received("t1", 0), Started("t1", 1), Succeeded("t1", 2, runtime: 0.75));

        var detail = await Store.GetTaskAsync("t1");
        detail.Should().NotBeNull();
        var task = detail!.Task;
        task.State.Should().Be("SUCCESS");
        task.Name.Should().Be("tasks.add");
        task.Args.Should().Be("[2, 2]");
        task.Kwargs.Should().Be("{}");
        task.Result.Should().Be("4");
        task.Worker.Should().Be("celery@a");
        task.Queue.Should().Be("celery");
        task.Runtime.Should().Be(0.75);
        task.FirstSeen.Should().Be(T0);
        task.Received.Should().Be(T0);
        task.Started.Should().Be(T0.AddSeconds(1));
        task.Finished.Should().Be(T0.AddSeconds(2));
        task.Updated.Should().Be(T0.AddSeconds(2));
        detail.Timeline.Select(e => e.State).Should().Equal("RECEIVED", "STARTED", "SUCCESS");
        detail.Timeline[2].Timestamp.Should().Be(T0.AddSeconds(2));
        (await Store.GetTaskAsync("unknown")).Should().BeNull();
    }

    [StoreFact]
    public async Task Events_in_separate_batches_merge_and_a_late_older_event_does_not_move_the_state()
    {
        await WriteAsync(Received("t1", 0));
        await WriteAsync(Succeeded("t1", 2));
        await WriteAsync(Started("t1", 1)); // arrives last, happened before the success

        var detail = (await Store.GetTaskAsync("t1"))!;
        detail.Task.State.Should().Be("SUCCESS");
        detail.Task.Name.Should().Be("tasks.add");
        detail.Task.Result.Should().Be("4");
        detail.Task.Started.Should().Be(T0.AddSeconds(1));
        detail.Timeline.Select(e => e.State).Should().Equal("RECEIVED", "STARTED", "SUCCESS");
    }

    [StoreFact]
    public async Task A_failure_keeps_exception_and_traceback()
    {
        await WriteAsync(Received("t1", 0), Started("t1", 1), Failed("t1", 2));

        var task = (await Store.GetTaskAsync("t1"))!.Task;
        task.State.Should().Be("FAILURE");
        task.Exception.Should().Be("ZeroDivisionError('division by zero')");
        task.Traceback.Should().Contain("line 3").And.EndWith("ZeroDivisionError: division by zero");
        task.Finished.Should().Be(T0.AddSeconds(2));
    }

    [StoreFact]
    public async Task A_retried_task_ends_in_its_final_state_with_every_step_on_the_timeline()
    {
        await WriteAsync(Received("t1", 0), Started("t1", 1), new TaskEvent("t1", "RETRY", T0.AddSeconds(2)) { Exception = "Retry in 5s" });
        await WriteAsync(Received("t1", 7) with { Retries = 1 }, Started("t1", 8), Succeeded("t1", 9));

        var detail = (await Store.GetTaskAsync("t1"))!;
        detail.Task.State.Should().Be("SUCCESS");
        detail.Task.Retries.Should().Be(1);
        detail.Task.Exception.Should().Be("Retry in 5s");
        detail.Timeline.Select(e => e.State).Should().Equal("RECEIVED", "STARTED", "RETRY", "RECEIVED", "STARTED", "SUCCESS");
    }

    [StoreFact]
    public async Task Payloads_are_kept_whole_up_to_the_limit_and_cut_beyond_it()
    {
        await using var small = await CreateStoreAsync(new DashboardStoreOptions { MaxPayloadLength = 100 });
        await small.InitializeAsync();
        var big = "[\"" + new string('x', 500) + "\"]";
        await small.WriteAsync(new DashboardBatch { Tasks = [Received("t1", 0, args: big), Received("t2", 0, args: big[..100])] });

        (await small.GetTaskAsync("t1"))!.Task.Args.Should().Be(big[..100]);
        (await small.GetTaskAsync("t2"))!.Task.Args.Should().Be(big[..100]);

        var whole = "[\"" + new string('y', 60_000) + "\"]";
        await WriteAsync(Received("t3", 0, args: whole));
        (await Store.GetTaskAsync("t3"))!.Task.Args.Should().Be(whole);
    }

    private async Task SeedFilterSetAsync()
    {
        await WriteAsync(
            Received("a1", 0, name: "tasks.add") with { Worker = "celery@a", Queue = "celery", RootId = "a1" },
            Received("a2", 10, name: "tasks.add") with { Worker = "celery@b", Queue = "fast", RootId = "a1" },
            Received("m1", 20, name: "tasks.mul") with { Worker = "celery@a", Queue = "fast", RootId = "m1" },
            Succeeded("a1", 5), Failed("m1", 25));
    }

    [StoreFact]
    public async Task Every_filter_selects_exactly_its_tasks()
    {
        await SeedFilterSetAsync();
        async Task<string[]> Ids(TaskQuery q) => [.. (await AllAsync(q with { Ascending = true })).Select(t => t.Id)];

        (await Ids(new TaskQuery())).Should().Equal("a1", "a2", "m1");
        (await Ids(new TaskQuery { Name = "tasks.add" })).Should().Equal("a1", "a2");
        (await Ids(new TaskQuery { State = "SUCCESS" })).Should().Equal("a1");
        (await Ids(new TaskQuery { State = "RECEIVED" })).Should().Equal("a2");
        (await Ids(new TaskQuery { Worker = "celery@a" })).Should().Equal("a1", "m1");
        (await Ids(new TaskQuery { Queue = "fast" })).Should().Equal("a2", "m1");
        (await Ids(new TaskQuery { Id = "m1" })).Should().Equal("m1");
        (await Ids(new TaskQuery { RootId = "a1" })).Should().Equal("a1", "a2");
        (await Ids(new TaskQuery { From = T0.AddSeconds(10) })).Should().Equal("a2", "m1");
        (await Ids(new TaskQuery { To = T0.AddSeconds(10) })).Should().Equal("a1");
        (await Ids(new TaskQuery { From = T0.AddSeconds(5), To = T0.AddSeconds(15) })).Should().Equal("a2");
        (await Ids(new TaskQuery { Name = "tasks.add", Queue = "fast", Worker = "celery@b" })).Should().Equal("a2");
        (await Ids(new TaskQuery { Name = "nope" })).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Text_search_finds_a_word_in_args_kwargs_result_and_exception()
    {
        await WriteAsync(
            Received("args", 0, args: "['alice@example.com', 42]"),
            Received("kwargs", 1) with { Kwargs = "{'customer': 'bobby tables'}" },
            Received("result", 2), Succeeded("result", 3, result: "{'invoice': 'INV-7781'}"),
            Received("failed", 4), Failed("failed", 5));
        async Task<string[]> Ids(string text) => [.. (await AllAsync(new TaskQuery { Text = text, Ascending = true })).Select(t => t.Id)];

        (await Ids("alice")).Should().Equal("args");
        (await Ids("bobby tables")).Should().Equal("kwargs");
        (await Ids("7781")).Should().Equal("result");
        (await Ids("ZeroDivisionError")).Should().Equal("failed");
        (await Ids("zerodivisionerror")).Should().Equal("failed");
        (await Ids("tables bobby")).Should().BeEmpty();
        (await Ids("carol")).Should().BeEmpty();
        (await Ids("\"quoted\" AND OR NEAR(")).Should().BeEmpty();
        (await AllAsync(new TaskQuery { Text = "alice", Name = "other" })).Should().BeEmpty();
    }

    [StoreFact]
    public async Task A_common_word_pages_completely_in_order()
    {
        // Over a thousand matches: SQLite then walks the sort's index instead of fetching every match.
        await WriteAsync(Enumerable.Range(0, 1_500).Select(i => Received($"c{i:D4}", i, args: i % 3 == 0 ? $"['common', {i}]" : $"['rare{i}']")).ToArray());

        foreach (var ascending in new[] { true, false })
        {
            var ids = (await AllAsync(new TaskQuery { Text = "common", Ascending = ascending, Limit = 100 })).Select(t => t.Id).ToList();
            var expected = Enumerable.Range(0, 1_500).Where(i => i % 3 == 0).Select(i => $"c{i:D4}").ToList();
            if (!ascending) expected.Reverse();
            ids.Should().Equal(expected);
        }
        (await AllAsync(new TaskQuery { Text = "rare1499" })).Select(t => t.Id).Should().Equal("c1499");
    }

    [StoreFact]
    public async Task Keyset_paging_is_complete_in_order_and_stable_while_tasks_arrive()
    {
        // 237 tasks, three per timestamp, so ties in the sort key are broken by insertion order; a task that
        // arrives between pages and sorts before the cursor is not seen, and nothing read is seen twice.
        var events = Enumerable.Range(0, 237).Select(i => Received($"t{i:D3}", i / 3)).ToArray();
        await WriteAsync(events);

        foreach (var ascending in new[] { true, false })
        {
            var seen = new List<string>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await Store.QueryTasksAsync(new TaskQuery { Name = "tasks.add", Ascending = ascending, Limit = 10, Cursor = cursor });
                page.Tasks.Count.Should().BeLessThanOrEqualTo(10);
                seen.AddRange(page.Tasks.Select(t => t.Id));
                cursor = page.NextCursor;
                if (pages++ == 3) await WriteAsync(Received($"late{ascending}", ascending ? -100 : 1_000, name: "tasks.add")); // sorts into the pages already read
            } while (cursor is not null);

            var expected = events.Select(e => e.TaskId).ToList();
            if (!ascending) expected.Reverse();
            if (!ascending) expected.Add("lateTrue"); // the first pass's late task, oldest of all
            seen.Should().Equal(expected);
            pages.Should().Be((expected.Count + 9) / 10);
        }
    }

    [StoreFact]
    public async Task Tasks_sort_by_runtime_name_and_update()
    {
        await WriteAsync(
            Received("slow", 0, name: "b.slow"), Succeeded("slow", 50, runtime: 9),
            Received("fast", 1, name: "a.fast"), Succeeded("fast", 2, runtime: 0.01),
            Received("open", 2, name: "c.open"));

        async Task<string[]> Ids(TaskSort sort, bool ascending) =>
            [.. (await AllAsync(new TaskQuery { Sort = sort, Ascending = ascending, Limit = 1 })).Select(t => t.Id)];

        (await Ids(TaskSort.Runtime, false)).Should().Equal("slow", "fast", "open");
        (await Ids(TaskSort.Runtime, true)).Should().Equal("open", "fast", "slow");
        (await Ids(TaskSort.Name, true)).Should().Equal("fast", "slow", "open");
        (await Ids(TaskSort.Updated, false)).Should().Equal("slow", "open", "fast");
        (await Ids(TaskSort.FirstSeen, false)).Should().Equal("open", "fast", "slow");
    }

    [StoreFact]
    public async Task A_workflow_is_every_task_under_its_root()
    {
        await WriteAsync(
            Received("root", 0) with { RootId = "root" },
            Received("h1", 1) with { RootId = "root", ParentId = "root", GroupId = "g" },
            Received("h2", 1) with { RootId = "root", ParentId = "root", GroupId = "g" },
            Received("body", 2) with { RootId = "root", ParentId = "h2" },
            Received("other", 3) with { RootId = "other" });

        var workflow = await Store.GetWorkflowAsync("root");
        workflow.Select(t => t.Id).Should().Equal("root", "h1", "h2", "body");
        workflow[1].GroupId.Should().Be("g");
        workflow[3].ParentId.Should().Be("h2");
        (await Store.GetWorkflowAsync("nothing")).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Retention_by_age_and_by_count_deletes_tasks_timelines_and_search_entries()
    {
        await WriteAsync(Enumerable.Range(0, 10).Select(i => Received($"t{i}", i * 60, args: $"['word{i}']")).ToArray());
        await WriteAsync(Succeeded("t0", 30));

        (await Store.PruneAsync(new RetentionPolicy { MaxAge = TimeSpan.FromMinutes(5), Now = T0.AddMinutes(9) })).Should().Be(4);
        (await AllAsync(new TaskQuery { Ascending = true })).Select(t => t.Id).Should().Equal("t4", "t5", "t6", "t7", "t8", "t9");
        (await Store.GetTaskAsync("t0")).Should().BeNull();
        (await AllAsync(new TaskQuery { Text = "word0" })).Should().BeEmpty();
        (await Store.GetRollupsAsync(T0.AddHours(-1), T0.AddHours(1))).Should().OnlyContain(r => r.Minute >= T0.AddMinutes(4) && r.Succeeded == 0); // t0's success was older too

        (await Store.PruneAsync(new RetentionPolicy { MaxTasks = 2 })).Should().Be(4);
        (await AllAsync(new TaskQuery { Ascending = true })).Select(t => t.Id).Should().Equal("t8", "t9");
        (await AllAsync(new TaskQuery { Text = "word9" })).Select(t => t.Id).Should().Equal("t9");
        (await Store.PruneAsync(new RetentionPolicy { MaxTasks = 2 })).Should().Be(0);

        // A re-written task comes back with only its new timeline.
        await WriteAsync(Received("t0", 600));
        (await Store.GetTaskAsync("t0"))!.Timeline.Should().ContainSingle();
    }

    [StoreFact]
    public async Task Rollups_count_per_minute_and_name_and_give_runtime_percentiles()
    {
        var events = new List<TaskEvent>();
        for (var i = 0; i < 100; i++)
        {
            events.Add(Received($"s{i}", i % 60, name: "tasks.add"));
            events.Add(Succeeded($"s{i}", i < 50 ? 10 : 70, runtime: i < 90 ? 0.004 : 3));
        }
        await WriteAsync([.. events]);
        await WriteAsync(Received("f1", 0, name: "tasks.mul"), Received("r1", 0, name: "tasks.add"));
        await WriteAsync(Failed("f1", 80), new TaskEvent("r1", "RETRY", T0.AddSeconds(15))); // names from the stored records

        var rollups = await Store.GetRollupsAsync(T0, T0.AddMinutes(2));
        rollups.Select(r => (r.Minute, r.TaskName, r.Succeeded, r.Failed, r.Retried)).Should().Equal(
            (T0, "tasks.add", 50L, 0L, 1L),
            (T0, "tasks.mul", 0L, 0L, 0L), // received only
            (T0.AddMinutes(1), "tasks.add", 50L, 0L, 0L),
            (T0.AddMinutes(1), "tasks.mul", 0L, 1L, 0L));
        rollups[0].Received.Should().Be(101);
        rollups.Should().OnlyContain(r => r.Queue == "celery");
        rollups[2].RuntimeSum.Should().BeApproximately(40 * 0.004 + 10 * 3, 1e-9);

        var add = await Store.GetRollupsAsync(T0, T0.AddMinutes(2), "tasks.add");
        add.Should().HaveCount(2);
        var counts = RuntimeBuckets.Sum(add);
        counts.Sum().Should().Be(100);
        RuntimeBuckets.Percentile(counts, 50).Should().Be(0.005);
        RuntimeBuckets.Percentile(counts, 90).Should().Be(0.005);
        RuntimeBuckets.Percentile(counts, 95).Should().Be(5);
        (await Store.GetRollupsAsync(T0.AddMinutes(1), T0.AddMinutes(2), "tasks.add")).Should().ContainSingle();
    }

    [StoreFact]
    public async Task Workers_are_merged_from_heartbeats_and_go_offline()
    {
        var hb = new WorkerUpdate("celery@a", T0, true) { SoftwareIdent = "py-celery", SoftwareVersion = "5.2.6", SoftwareSystem = "Linux", Frequency = 2, Active = 1, Processed = 10, LoadAverage = "[0.5, 0.4, 0.3]" };
        await Store.WriteAsync(new DashboardBatch { Workers = [hb, new WorkerUpdate("celery@b", T0, true) { SoftwareIdent = "celeriac" }] });
        await Store.WriteAsync(new DashboardBatch { Workers = [new WorkerUpdate("celery@a", T0.AddSeconds(4), true) { Active = 0, Processed = 12 }] });
        await Store.WriteAsync(new DashboardBatch { Workers = [new WorkerUpdate("celery@b", T0.AddSeconds(5), false), new WorkerUpdate("celery@a", T0.AddSeconds(2), false)] });

        var workers = await Store.GetWorkersAsync();
        workers.Select(w => w.Hostname).Should().Equal("celery@a", "celery@b");
        var a = workers[0];
        a.Online.Should().BeTrue("an older offline event does not override a newer heartbeat");
        a.LastHeartbeat.Should().Be(T0.AddSeconds(4));
        a.SoftwareIdent.Should().Be("py-celery");
        a.SoftwareVersion.Should().Be("5.2.6");
        a.Frequency.Should().Be(2);
        a.Active.Should().Be(0);
        a.Processed.Should().Be(12);
        a.LoadAverage.Should().Be("[0.5, 0.4, 0.3]");
        workers[1].Online.Should().BeFalse();
        workers[1].OfflineSince.Should().Be(T0.AddSeconds(5));
        workers[1].SoftwareIdent.Should().Be("celeriac");
    }

    [StoreFact]
    public async Task The_history_survives_reopening_and_initialising_again()
    {
        await using var first = await CreateStoreAsync(reopen: "durable");
        await first.InitializeAsync();
        await first.WriteAsync(new DashboardBatch { Tasks = [Received("kept", 0, args: "['persisted']")] });
        await first.DisposeAsync();

        await using var second = await CreateStoreAsync(reopen: "durable");
        await second.InitializeAsync();
        await second.InitializeAsync();
        (await second.GetTaskAsync("kept"))!.Task.Args.Should().Be("['persisted']");
        (await second.QueryTasksAsync(new TaskQuery { Text = "persisted" })).Tasks.Should().ContainSingle();
    }

    [StoreFact]
    public async Task A_cursor_that_is_not_the_stores_is_refused()
    {
        var act = () => Store.QueryTasksAsync(new TaskQuery { Cursor = "not base64!" });
        await act.Should().ThrowAsync<ArgumentException>();
    }
}
