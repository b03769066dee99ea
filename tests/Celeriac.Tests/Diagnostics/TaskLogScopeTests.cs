using Celeriac.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Celeriac.Tests.Diagnostics;

/// <summary>A task runs in a logger scope with its TaskId, TaskName, RootId and ParentId: lines its own ILogger writes carry them.</summary>
public sealed class TaskLogScopeTests
{
    private static Dictionary<string, object?> ScopeValues(FakeLogRecord record) =>
        record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(s => s).ToDictionary(kv => kv.Key, kv => kv.Value);

    [Fact]
    public async Task A_line_logged_inside_a_task_carries_the_task_scope()
    {
        using var provider = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Debug));
        await using var h = TestHarness.Create(o => o.LoggerFactory = factory);
        var task = h.App.Task("log.scoped", (int n, ILogger log) => { log.LogInformation("working on {N}", n); return n; });
        var (_, signals) = await h.StartWorkerAsync();

        var r = await task.ApplyAsync(7, options: new TaskSendOptions { RootId = "root-1", ParentId = "parent-1" });
        await signals.CompletedAsync(r.Id);

        var line = provider.Collector.GetSnapshot().Should().ContainSingle(l => l.Message == "working on 7").Subject;
        ScopeValues(line).Should().Contain(new Dictionary<string, object?>
        {
            ["TaskId"] = r.Id, ["TaskName"] = "log.scoped", ["RootId"] = "root-1", ["ParentId"] = "parent-1",
        });
    }

    [Fact]
    public async Task A_top_level_task_is_its_own_root_and_has_no_parent_and_the_worker_logs_received_and_succeeded()
    {
        using var provider = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Debug));
        await using var h = TestHarness.Create(o => o.LoggerFactory = factory);
        var task = h.App.Task("log.top", (ILogger log) => { log.LogWarning("top"); return 1; });
        var (_, signals) = await h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await signals.CompletedAsync(r.Id);

        var logs = provider.Collector.GetSnapshot();
        var values = ScopeValues(logs.Single(l => l.Message == "top"));
        values["RootId"].Should().Be(r.Id);
        values.Should().NotContainKey("ParentId");
        logs.Should().Contain(l => l.Message == $"Task log.top[{r.Id}] received" && l.Level == LogLevel.Debug && l.Id.Id == 200);
        logs.Should().Contain(l => l.Message.StartsWith($"Task log.top[{r.Id}] succeeded in ") && l.Level == LogLevel.Debug);
    }
}
