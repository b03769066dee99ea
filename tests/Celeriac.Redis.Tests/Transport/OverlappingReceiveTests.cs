using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// A busy worker asks for its next batch before the last one is back (<see cref="ITransportConsumer.OverlapsReceives"/>):
/// receives called back to back take disjoint runs of the queue, the earlier call the earlier
/// messages, each recorded in <c>unacked</c>.
/// </summary>
public sealed class OverlappingReceiveTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = TestTransports.NewPrefix();

    [RedisFact]
    public async Task Overlapping_receives_take_disjoint_runs_in_queue_order()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        await using var raw = TestTransports.Client(redis.Server);
        var sent = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var message = ComplianceMessages.Task(i);
            await transport.PublishAsync(message, DeliveryInfo.ToQueue("q"));
            sent.Add(ComplianceMessages.IdOf(message));
        }
        var consumer = await transport.ConsumeAsync(["q"]);
        consumer.OverlapsReceives.Should().BeTrue();

        var first = consumer.ReceiveAsync(20, CancellationToken.None).AsTask();
        var second = consumer.ReceiveAsync(20, CancellationToken.None).AsTask();
        var third = consumer.ReceiveAsync(20, CancellationToken.None).AsTask();
        var batches = await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(10));

        batches.SelectMany(b => b).Select(d => ComplianceMessages.IdOf(d)).Should().Equal(sent, "each call takes the next run of the queue, in order");
        (await raw.RunAsync("HLEN", _prefix + "unacked")).AsInt64().Should().Be(60);
        await consumer.SettleAllAsync(batches.SelectMany(b => b).ToList(), SettleAction.Ack);
        (await raw.RunAsync("EXISTS", _prefix + "q", _prefix + "unacked", _prefix + "unacked_index")).AsInt64().Should().Be(0);
        await consumer.DisposeAsync();
    }
}
