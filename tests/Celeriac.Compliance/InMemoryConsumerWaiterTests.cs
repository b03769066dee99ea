using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <summary>
/// In-memory only: a consumer waiting on several queues must not leave its wake-up signal behind on
/// the queues that did not wake it, or a quiet queue collects one per wait, for ever.
/// </summary>
public sealed class InMemoryConsumerWaiterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Waits_leave_no_signals_behind_on_quiet_or_cancelled_queues()
    {
        var broker = InMemoryBroker.Named(Guid.NewGuid().ToString("N"));
        await using var transport = broker.CreateTransport();
        await using var consumer = await transport.ConsumeAsync(["busy", "quiet"]);

        for (var i = 0; i < 20; i++)
        {
            var receiving = consumer.ReceiveAsync(1, CancellationToken.None).AsTask();
            await transport.PublishAsync(ComplianceMessages.Task(i), DeliveryInfo.ToQueue("busy"));
            var batch = await receiving.WaitAsync(Timeout);
            await consumer.SettleAllAsync(batch, SettleAction.Ack);
        }
        using (var cts = new CancellationTokenSource())
        {
            var receiving = consumer.ReceiveAsync(1, cts.Token).AsTask();
            await cts.CancelAsync();
            (await receiving.WaitAsync(Timeout)).Should().BeEmpty();
        }

        broker.Queue("quiet").WaiterCount.Should().Be(0);
        broker.Queue("busy").WaiterCount.Should().Be(0);
    }
}
