using Celeriac.Dashboard.Store;
using Celeriac.Dashboard.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests;

public abstract partial class DashboardStoreTests
{
    [StoreFact]
    public async Task The_audit_log_keeps_every_field_and_pages_newest_first()
    {
        for (var i = 0; i < 5; i++)
            await Store.WriteAuditAsync(new AuditEntry(T0.AddSeconds(i), i == 0 ? "anonymous" : "alice", "127.0.0.1", "task.revoke", $"t{i}",
                i == 0 ? null : """{"terminate": true}""", i == 4 ? "error: the broker is down" : "ok"));

        var first = await Store.QueryAuditAsync(limit: 2);
        first.Entries.Select(e => e.Target).Should().Equal("t4", "t3");
        first.Entries[0].Should().Be(new AuditEntry(T0.AddSeconds(4), "alice", "127.0.0.1", "task.revoke", "t4", """{"terminate": true}""", "error: the broker is down"));
        var second = await Store.QueryAuditAsync(limit: 2, cursor: first.NextCursor);
        second.Entries.Select(e => e.Target).Should().Equal("t2", "t1");
        var last = await Store.QueryAuditAsync(limit: 2, cursor: second.NextCursor);
        last.Entries.Should().ContainSingle().Which.Should().Be(new AuditEntry(T0, "anonymous", "127.0.0.1", "task.revoke", "t0", null, "ok"));
        last.NextCursor.Should().BeNull();

        var act = () => Store.QueryAuditAsync(cursor: "x");
        await act.Should().ThrowAsync<ArgumentException>();
    }

    [StoreFact]
    public async Task A_store_of_the_first_schema_is_upgraded_and_keeps_its_history()
    {
        await using var old = (SqlDashboardStore)await CreateStoreAsync(reopen: "v1");
        await old.InitializeAsync(1, CancellationToken.None);
        await old.ExecuteAsync("INSERT INTO tasks (id, name, state, state_at, first_seen, updated_at, args, queue) VALUES ('old', 'tasks.add', 'SUCCESS', 100, 90, 100, '[1, 2]', 'celery')");
        await old.ExecuteAsync("INSERT INTO workers (hostname, online, last_heartbeat, sw_ident) VALUES ('celery@old', 1, 100, 'py-celery')");
        await old.ExecuteAsync("INSERT INTO task_rollups (minute, name, succeeded, failed, retried, runtime_sum, " +
                               string.Join(", ", Enumerable.Range(0, 16).Select(i => $"b{i}")) + ") VALUES (60, 'tasks.add', 3, 1, 0, 1.5, " +
                               string.Join(", ", Enumerable.Range(0, 16).Select(i => i == 8 ? "4" : "0")) + ")");
        await old.DisposeAsync();

        await using var upgraded = await CreateStoreAsync(reopen: "v1");
        await upgraded.InitializeAsync();
        (await upgraded.GetTaskAsync("old"))!.Task.Args.Should().Be("[1, 2]");
        (await upgraded.QueryTasksAsync(new TaskQuery { Text = "2" })).Tasks.Should().ContainSingle();
        await upgraded.WriteAuditAsync(new AuditEntry(T0, "anonymous", null, "task.retry", "old", null, "ok"));
        (await upgraded.QueryAuditAsync()).Entries.Should().ContainSingle();
        var rollup = (await upgraded.GetRollupsAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1))).Should().ContainSingle().Subject;
        rollup.Succeeded.Should().Be(3);
        rollup.RuntimeCounts[8].Should().Be(4);
        rollup.Queue.Should().BeNull("rollups from before queues were kept have none");
        await upgraded.WriteAsync(new DashboardBatch { Tasks = [Received("new", 0)] });
        (await upgraded.GetTaskAsync("new")).Should().NotBeNull();
    }
}
