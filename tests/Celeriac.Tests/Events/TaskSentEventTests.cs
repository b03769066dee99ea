using Celeriac.Tests.Support;
using static Celeriac.Tests.Events.WorkerEventTests;

namespace Celeriac.Tests.Events;

/// <summary>task-sent from the client when <c>task_send_sent_event</c> is on (docs/protocol.md §6.3, vector <c>event_task_sent</c>).</summary>
public sealed class TaskSentEventTests
{
    [Fact]
    public async Task A_send_publishes_task_sent_from_the_anonymous_node_with_Celerys_fields()
    {
        await using var h = TestHarness.Create(o => o.TaskSendSentEvent = true);
        await using var sink = await EventSink.StartAsync(h.App);
        var r = await h.SendAsync("tasks.add", [2, 3]);
        var e = await sink.WaitForAsync("task-sent");
        Keys(e).Should().Equal(VectorKeys("event_task_sent", "task-sent"));
        e["uuid"]!.GetValue<string>().Should().Be(r.Id);
        e["hostname"]!.GetValue<string>().Should().Be($"gen{Environment.ProcessId}@{Environment.MachineName}");
        e["name"]!.GetValue<string>().Should().Be("tasks.add");
        e["args"]!.GetValue<string>().Should().Be("(2, 3)");
        e["queue"]!.GetValue<string>().Should().Be("celery");
        e["exchange"]!.GetValue<string>().Should().Be("");
        e["routing_key"]!.GetValue<string>().Should().Be("celery");
        sink.Messages.Single().RoutingKey.Should().Be("task.sent");
        sink.Messages.Single().Headers["hostname"]!.GetValue<string>().Should().StartWith("gen");
    }

    [Fact]
    public async Task Off_by_default()
    {
        await using var h = TestHarness.Create();
        await using var sink = await EventSink.StartAsync(h.App);
        await h.SendAsync("tasks.add", [2, 3]);
        await Until.QuietWindowAsync();
        sink.Messages.Should().BeEmpty();
    }
}
