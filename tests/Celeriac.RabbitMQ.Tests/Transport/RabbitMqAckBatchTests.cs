using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Transport;
using static Celeriac.RabbitMQ.Tests.Transport.RabbitMqTestTransports;

namespace Celeriac.RabbitMQ.Tests.Transport;

/// <summary>Acks of a batch go as one <c>basic.ack multiple=true</c> only over tags nothing else holds.</summary>
public sealed class RabbitMqAckBatchTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [RabbitMqFact]
    public async Task A_batched_ack_never_acks_a_delivery_held_below_or_between_the_acked_ones()
    {
        await using var transport = Create(rabbit.Url);
        var queue = NewQueue("acks");
        await transport.DeclareQueueAsync(queue);
        var sent = new List<BrokerMessage>();
        for (var i = 0; i < 12; i++)
        {
            sent.Add(NewTask(index: i));
            await transport.PublishAsync(sent[^1], DeliveryInfo.ToQueue(queue));
        }
        var consumer = await transport.ConsumeAsync([queue]);
        var taken = new List<TransportDelivery>();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            while (taken.Count < 12) taken.AddRange(await consumer.ReceiveAsync(12 - taken.Count, cts.Token));

        // First batch: 0–4 are the oldest outstanding tags (one multiple ack up to 4), 5 is held, 6 and 7 are acked one by one, 9 requeued.
        await consumer.SettleAsync([.. taken.Take(5).Concat(taken.Skip(6).Take(2)).Select(d => new Settlement(d, SettleAction.Ack)), new Settlement(taken[9], SettleAction.Requeue)]);
        // Second batch: 5 is still held below 8, 10 and 11, so no multiple ack may cover it.
        await consumer.SettleAsync([.. new[] { 8, 10, 11 }.Select(i => new Settlement(taken[i], SettleAction.Ack))]);
        await consumer.DisposeAsync();

        var again = await transport.ConsumeAsync([queue]);
        await using var _ = again;
        var back = new List<TransportDelivery>();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            while (back.Count < 2) back.AddRange(await again.ReceiveAsync(2 - back.Count, cts.Token));
        back.Select(d => IdOf(d.Message!)).Should().BeEquivalentTo([IdOf(taken[5].Message!), IdOf(taken[9].Message!)]);
        (await transport.GetQueueDepthAsync(queue)).Should().Be(0);
    }
}
