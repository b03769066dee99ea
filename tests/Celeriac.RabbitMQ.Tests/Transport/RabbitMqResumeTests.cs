using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.RabbitMQ.Transport;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Transport;
using RabbitMQ.Client;
using static Celeriac.RabbitMQ.Tests.Transport.RabbitMqTestTransports;

namespace Celeriac.RabbitMQ.Tests.Transport;

/// <summary>
/// The consumer resumes by itself: after its connection is closed by the broker, after a broker crash
/// and restart, and after the broker cancelled it (its queue deleted); deliveries of the old channel
/// are never settled on the new one. Each broker-stopping test has a private rabbitmq-server.
/// </summary>
public sealed class RabbitMqResumeTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [RabbitMqFact]
    public async Task After_the_broker_closes_its_connections_every_queue_is_consumed_again_and_an_old_delivery_is_redelivered()
    {
        await using var server = await RabbitMqServer.StartAsync();
        var vhost = await server.CreateVirtualHostAsync();
        using var logs = new ListLoggerFactory();
        await using var transport = Create(server.Url(vhost), logs: logs);
        var (first, added) = (NewQueue(), NewQueue());
        await transport.DeclareQueueAsync(first);
        await transport.DeclareQueueAsync(added);
        var consumer = (RabbitMqConsumer)await transport.ConsumeAsync([first]);
        await using var _ = consumer;
        (await consumer.AddQueueAsync(added)).Should().BeTrue("a queue added at run time must be resumed too");
        var held = NewTask();
        await transport.PublishAsync(held, DeliveryInfo.ToQueue(first));
        var taken = (await ReceiveAsync(consumer, 1)).Single();

        await server.CtlAsync("close_all_connections", "-p", vhost, "test: the broker drops the connection");

        var (later, other) = (NewTask(), NewTask());
        await Eventually.SucceedsAsync(async () => { await transport.PublishAsync(later, DeliveryInfo.ToQueue(first)); return 0; }, Within);
        await transport.PublishAsync(other, DeliveryInfo.ToQueue(added));
        var received = await ReceiveAsync(consumer, 3, logs);
        received.Select(d => IdOf(d.Message!)).Should().BeEquivalentTo([IdOf(held), IdOf(later), IdOf(other)]);
        received.Single(d => IdOf(d.Message!) == IdOf(held)).Redelivered.Should().BeTrue();

        await consumer.SettleAsync([new Settlement(taken, SettleAction.Ack)]);
        consumer.StaleSettlements.Should().Be(1, "the old channel's delivery is not acked on the new one");
        await consumer.SettleAsync(received.Select(d => new Settlement(d, SettleAction.Ack)).ToList());
        (await transport.GetQueueDepthAsync(first)).Should().Be(0, "the redelivered copy was acked instead");
    }

    [RabbitMqFact]
    public async Task After_a_broker_crash_and_restart_consuming_and_publishing_resume()
    {
        await using var server = await RabbitMqServer.StartAsync();
        await using var transport = Create(server.Url());
        var queue = NewQueue();
        await transport.DeclareQueueAsync(queue);
        var consumer = await transport.ConsumeAsync([queue]);
        await using var _ = consumer;
        await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(queue));
        await consumer.SettleAsync((await ReceiveAsync(consumer, 1)).Select(d => new Settlement(d, SettleAction.Ack)).ToList());

        await server.StopAsync(crash: true);
        var publishing = async () => await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(queue));
        await publishing.Should().ThrowAsync<Exception>("a publish while the broker is down fails, never silently");
        await server.StartAgainAsync();

        var after = NewTask();
        await Eventually.SucceedsAsync(async () => { await transport.PublishAsync(after, DeliveryInfo.ToQueue(queue)); return 0; }, Within);
        // The ack sent just before the crash may not have reached the disk: that message may come again first.
        var received = await ReceiveAsync(consumer, 1);
        if (IdOf(received[0].Message!) != IdOf(after)) received = await ReceiveAsync(consumer, 1);
        IdOf(received[0].Message!).Should().Be(IdOf(after));
    }

    [RabbitMqFact]
    public async Task A_consumer_the_broker_cancelled_because_its_queue_was_deleted_consumes_the_queue_again()
    {
        await using var transport = Create(rabbit.Url);
        var queue = NewQueue();
        await transport.DeclareQueueAsync(queue);
        var consumer = await transport.ConsumeAsync([queue]);
        await using var _ = consumer;
        await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(queue));
        await consumer.SettleAsync((await ReceiveAsync(consumer, 1)).Select(d => new Settlement(d, SettleAction.Ack)).ToList());

        var (channel, _) = await transport.Connection.CreateChannelAsync(publisherConfirms: false);
        await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        await channel.CloseAsync();

        var after = NewTask();
        // Unroutable until the watchdog declared the queue again; then confirmed and delivered.
        await Eventually.SucceedsAsync(async () => { await transport.PublishAsync(after, DeliveryInfo.ToQueue(queue)); return 0; }, Within);
        IdOf((await ReceiveAsync(consumer, 1))[0].Message!).Should().Be(IdOf(after));
    }

    [RabbitMqFact]
    public async Task A_broker_unreachable_at_start_is_tried_a_bounded_number_of_times_and_named_without_the_password()
    {
        var url = $"amqp://guest:s3cret@127.0.0.1:{FreePort.Pick()}/";
        await using var transport = Create(url, o => o.BrokerTransportOptions["connection_max_retries"] = "3");

        var declaring = async () => await transport.DeclareQueueAsync("q");

        var error = (await declaring.Should().ThrowAsync<AmqpConnectException>()).Which;
        error.Message.Should().Contain("127.0.0.1").And.Contain("after 3 tries").And.NotContain("s3cret");
    }

    [RabbitMqFact]
    public async Task A_wrong_password_is_a_clear_error_at_once()
    {
        var url = rabbit.Url.Replace("guest:guest@", "guest:n0t-the-passw0rd@", StringComparison.Ordinal);
        await using var transport = Create(url);

        var declaring = async () => await transport.DeclareQueueAsync("q");

        var error = (await declaring.Should().ThrowAsync<Exception>()).Which;
        error.Should().BeOfType<AmqpConnectException>(error.ToString());
        error.Message.Should().Contain("refused the login").And.Contain("guest").And.NotContain("n0t-the-passw0rd");
    }

    private static async Task<List<TransportDelivery>> ReceiveAsync(ITransportConsumer consumer, int count, ListLoggerFactory? logs = null)
    {
        using var cts = new CancellationTokenSource(Within);
        var received = new List<TransportDelivery>();
        while (received.Count < count)
        {
            received.AddRange(await consumer.ReceiveAsync(count - received.Count, cts.Token));
            cts.IsCancellationRequested.Should().BeFalse($"{count} deliveries were expected, {received.Count} arrived; log:\n" +
                string.Join("\n", logs?.Lines.Select(l => $"{l.Level} {l.Message}") ?? []));
        }
        return received;
    }
}
