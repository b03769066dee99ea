using Celeriac.Beat;
using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Tests.Beat;

namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// A beat's scheduled runs are sends too: each gets a producer span as it is handed to the store
/// (built ahead of its slot or not), and its message carries that span as its <c>traceparent</c>.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class BeatSpanTests
{
    [Fact]
    public async Task A_scheduled_run_is_a_producer_span_whose_context_its_message_carries()
    {
        using var spans = new SpanCollector();
        await using var bed = new BeatTestBed();
        var h = bed.App();
        var slot = BeatTestBed.Noon.AddSeconds(2);
        h.App.Beat.Add("traced-entry", BeatSchedule.At(slot), "tb.add", [1, 2], options: new TaskSendOptions { Queue = "celery" });
        await bed.StartAsync(h);
        await bed.RunForAsync(TimeSpan.FromSeconds(5));

        bed.PublishedOf("traced-entry").Should().ContainSingle();
        var taken = new List<(string Queue, StoredMessage Message)>();
        h.Broker.Queue("celery").TakeInto(taken, 10).Should().Be(1);
        var message = TaskMessageCodec.Decode(taken[0].Message.Message!, [ContentTypes.Json]);
        var span = await spans.WaitForAsync("apply_async/tb.add");
        span.GetTagItem("messaging.message.id").Should().Be(BeatTaskId.For("traced-entry", slot));
        message.Id.Should().Be(BeatTaskId.For("traced-entry", slot));
        message.ExtraHeaders["traceparent"]!.GetValue<string>().Should().Be(span.Id);
    }
}
