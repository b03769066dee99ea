using Celeriac.Beat;
using Celeriac.Diagnostics;
using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Tests.Beat;

namespace Celeriac.Tests.Diagnostics;

/// <summary>A beat's batched runs are sends too: counted <c>sent</c> once stored, and stamped for the queue wait while it is measured.</summary>
public sealed class BeatMetricsTests
{
    [Fact]
    public async Task A_scheduled_run_counts_as_sent_and_carries_the_send_stamp()
    {
        using var meters = new MeterScope();
        using var sent = meters.Collect<long>("celeriac.task.sent");
        using var wait = meters.Collect<double>("celeriac.task.queue_wait");
        await using var bed = new BeatTestBed();
        var h = bed.App(o => o.MeterFactory = meters.Factory);
        var slot = BeatTestBed.Noon.AddSeconds(2);
        h.App.Beat.Add("measured-entry", BeatSchedule.At(slot), "tb.add", [1, 2], options: new TaskSendOptions { Queue = "celery" });
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(5));

        bed.PublishedOf("measured-entry").Should().ContainSingle();
        var m = sent.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        m.Tags[CeleriacMetrics.TaskName].Should().Be("tb.add");
        m.Tags[CeleriacMetrics.Destination].Should().Be("celery");
        var taken = new List<(string Queue, StoredMessage Message)>();
        h.Broker.Queue("celery").TakeInto(taken, 10).Should().Be(1);
        var message = TaskMessageCodec.Decode(taken[0].Message.Message!, [ContentTypes.Json]);
        message.ExtraHeaders.Should().ContainKey(QueueWait.Header);
    }
}
