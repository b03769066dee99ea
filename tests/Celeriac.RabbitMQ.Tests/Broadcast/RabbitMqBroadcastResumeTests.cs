using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Transport;
using static Celeriac.RabbitMQ.Tests.Transport.RabbitMqTestTransports;

namespace Celeriac.RabbitMQ.Tests.Broadcast;

/// <summary>
/// Subscriptions and reply queues survive a lost connection, a broker crash and restart, and a queue deleted
/// under them: they declare and consume again by themselves, and the caller's subscription object goes
/// on receiving (what was published during the gap is gone, as in Celery).
/// </summary>
public sealed class RabbitMqBroadcastResumeTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(40);

    [RabbitMqFact]
    public async Task After_the_broker_closes_the_connection_a_subscription_and_a_reply_queue_receive_again()
    {
        var vhost = await rabbit.Server.CreateVirtualHostAsync();
        await using var transport = Create(rabbit.Server.Url(vhost));
        var events = await transport.SubscribeAsync("celeryev", "#", $"celeryev.{Guid.NewGuid()}");
        var replies = await transport.OpenDirectQueueAsync("reply.celery.pidbox", "oid-resume", "oid-resume.reply.celery.pidbox");
        await using var _ = events;
        await using var __ = replies;

        await rabbit.Server.CtlAsync("close_all_connections", "-p", vhost, "test: the broker drops the connection");

        await ReceivesAgainAsync(events, id => transport.PublishAsync("celeryev", "worker.heartbeat", Message(id)));
        await ReceivesAgainAsync(replies, id => transport.SendDirectAsync("reply.celery.pidbox", "oid-resume", Message(id)));
    }

    [RabbitMqFact]
    public async Task A_queue_deleted_under_a_subscription_is_declared_and_consumed_again()
    {
        await using var transport = Create(rabbit.Url);
        var queue = $"celery@resume-{Guid.NewGuid():N}.celery.pidbox";
        await using var mailbox = await transport.SubscribeAsync("celery.pidbox", "", queue);

        await rabbit.Server.CtlAsync("delete_queue", "-p", rabbit.VirtualHost, queue);

        await ReceivesAgainAsync(mailbox, id => transport.PublishAsync("celery.pidbox", "", Message(id)));
        (await rabbit.Server.ListAsync("queues", rabbit.VirtualHost, "name", "arguments")).Single(q => q[0] == queue)[1]
            .Should().Contain("x-expires", "declared again with Celery's arguments");
    }

    [RabbitMqFact]
    public async Task After_a_broker_crash_and_restart_a_subscription_receives_again()
    {
        await using var server = await RabbitMqServer.StartAsync();
        await using var transport = Create(server.Url());
        await using var events = await transport.SubscribeAsync("celeryev", "worker.#", $"celeryev.{Guid.NewGuid()}");

        await server.StopAsync(crash: true);
        await server.StartAgainAsync();

        await ReceivesAgainAsync(events, id => transport.PublishAsync("celeryev", "worker.online", Message(id)));
    }

    /// <summary>Publishes until one of the publishes arrives (the gap while resuming loses some, by design).</summary>
    private static async Task ReceivesAgainAsync(IBroadcastSubscription subscription, Func<string, ValueTask> publish)
    {
        var sent = new HashSet<string>();
        var deadline = DateTime.UtcNow + Within;
        while (DateTime.UtcNow < deadline)
        {
            var id = Guid.NewGuid().ToString("N");
            try
            {
                await publish(id);
                sent.Add(id);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The broker is not back yet: publishes fail loudly, and the next one tries again.
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            var got = await subscription.ReceiveAsync(wait.Token);
            if (got?.Message?.Headers["x_id"]?.GetValue<string>() is { } received && sent.Contains(received)) return;
        }
        throw new TimeoutException($"nothing arrived within {Within} after {sent.Count} publishes");
    }

    private static Protocol.Messages.BrokerMessage Message(string id) =>
        new(new System.Text.Json.Nodes.JsonObject { ["hostname"] = "celeriac@resume", ["x_id"] = id },
            new Protocol.Messages.MessageProperties { DeliveryMode = 1 }, "{}"u8.ToArray());
}
