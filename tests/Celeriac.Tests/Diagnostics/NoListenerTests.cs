using Celeriac.Diagnostics;
using Celeriac.Protocol.Messages;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests.Diagnostics;

/// <summary>With nothing listening the instruments are off, a record allocates nothing and the message carries no extra header.</summary>
public sealed class NoListenerTests
{
    [Fact]
    public void Records_allocate_nothing_when_no_listener_is_attached()
    {
        using var meters = new MeterScope();
        using var metrics = new CeleriacMetrics(meters.Factory);
        var message = new TaskMessage { Task = "n.task", Id = "id-1", Eta = DateTimeOffset.UtcNow };
        var outcome = TaskOutcome.Success(null, TimeSpan.FromMilliseconds(3));
        Exercise(metrics, message, outcome); // JIT first

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) Exercise(metrics, message, outcome);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        new[] { metrics.Sent.Enabled, metrics.Received.Enabled, metrics.Duration.Enabled, metrics.QueueWait.Enabled, metrics.PublishDuration.Enabled }
            .Should().OnlyContain(enabled => !enabled);
    }

    private static void Exercise(CeleriacMetrics metrics, TaskMessage message, TaskOutcome outcome)
    {
        metrics.Published(message.Task, "celery", CeleriacMetrics.Start(metrics.PublishDuration));
        metrics.ReceivedTask(message, "celery");
        metrics.Started(message, "celery", TimeProvider.System);
        metrics.Finished(message, "celery", outcome);
        metrics.RevokedTask(message, "celery", "expired");
        metrics.BackendCall("store", CeleriacMetrics.Start(metrics.BackendDuration));
    }

    [Fact]
    public async Task A_message_sent_with_no_listener_has_only_celerys_headers()
    {
        await using var h = TestHarness.Create();
        var task = h.App.Task("n.plain", () => 1);
        await task.DelayAsync();

        var (message, _) = (await h.DrainAsync("celery")).Should().ContainSingle().Subject;
        message.ExtraHeaders.Should().BeEmpty("no queue-wait stamp and no trace context without listeners");
    }
}
