using Celeriac.Diagnostics;
using Celeriac.Protocol.Messages;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests.Diagnostics;

/// <summary>With nothing listening, the tracing calls on the per-message path allocate nothing and touch no header.</summary>
[Collection(TracingCollection.Name)]
public sealed class TracingOffCostTests
{
    [Fact]
    public async Task The_publish_and_run_calls_allocate_nothing_when_nothing_listens()
    {
        await using var h = TestHarness.Create();
        var message = h.App.Publisher.Build("to.noop", [1], [], null, null);
        var route = DeliveryInfo.ToQueue("celery");
        var outcome = TaskOutcome.Success(null, TimeSpan.Zero);
        Calls(); // first calls may initialise statics

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++) Calls();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        message.ExtraHeaders.Should().BeEmpty();

        void Calls()
        {
            PublishTracing.Start(h.App, message, route)?.Dispose();
            var span = RunTracing.Start(h.App, message, "node@host", "celery");
            RunTracing.Finished(span, "SUCCESS", outcome);
            span?.Dispose();
        }
    }
}
