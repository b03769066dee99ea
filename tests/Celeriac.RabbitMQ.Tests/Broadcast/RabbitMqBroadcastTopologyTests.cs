using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Transport;
using static Celeriac.RabbitMQ.Tests.Transport.RabbitMqTestTransports;

namespace Celeriac.RabbitMQ.Tests.Broadcast;

/// <summary>
/// The broadcast entities are declared exactly as Celery 5.2.6 declares them (docs/protocol.md §3.1): checked
/// on the broker with rabbitmqctl, and against Python Celery's own declarations of the same names
/// in both orders — neither side may get 406 PRECONDITION_FAILED.
/// </summary>
public sealed class RabbitMqBroadcastTopologyTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private const string Events = "celeryev";
    private const string Pidbox = "celery.pidbox";
    private const string Reply = "reply.celery.pidbox";

    [RabbitMqFact]
    public async Task Exchanges_and_queues_have_celerys_types_flags_and_arguments()
    {
        await using var transport = Create(rabbit.Url);
        var (receiver, node, oid) = Names();
        await using var events = await transport.SubscribeAsync(Events, "#", $"celeryev.{receiver}");
        await using var mailbox = await transport.SubscribeAsync(Pidbox, "", $"{node}.celery.pidbox");
        await using var replies = await transport.OpenDirectQueueAsync(Reply, oid, $"{oid}.{Reply}");

        var exchanges = await ExchangesAsync();
        exchanges[Events].Should().Be("topic true false", "celeryev is a durable topic exchange");
        exchanges[Pidbox].Should().Be("fanout false false", "celery.pidbox is a transient fanout exchange");
        exchanges[Reply].Should().Be("direct false false", "reply.celery.pidbox is a transient direct exchange");

        var queues = await QueuesAsync();
        ShouldBe(queues[$"celeryev.{receiver}"], ttl: 5000, expires: 60000);
        ShouldBe(queues[$"{node}.celery.pidbox"], ttl: 300000, expires: 10000);
        ShouldBe(queues[$"{oid}.{Reply}"], ttl: 300000, expires: 10000);

        var bindings = await rabbit.Server.ListAsync("bindings", rabbit.VirtualHost, "source_name", "routing_key", "destination_name");
        bindings.Select(b => string.Join(' ', b)).Should().Contain([
            $"{Events} # celeryev.{receiver}", $"{Pidbox}  {node}.celery.pidbox", $"{Reply} {oid} {oid}.{Reply}"]);
    }

    [RabbitMqFact]
    public async Task Python_celery_declares_the_same_names_after_us_without_a_precondition_failure()
    {
        await using var transport = Create(rabbit.Url);
        var (receiver, node, oid) = Names();
        await using var events = await transport.SubscribeAsync(Events, "#", $"celeryev.{receiver}");
        await using var mailbox = await transport.SubscribeAsync(Pidbox, "", $"{node}.celery.pidbox");
        await using var replies = await transport.OpenDirectQueueAsync(Reply, oid, $"{oid}.{Reply}");

        await PyCeleryDeclarations.DeclareAsync(rabbit.Url, receiver, node, oid);
    }

    [RabbitMqFact]
    public async Task We_declare_the_same_names_after_python_celery_without_a_precondition_failure_and_receive()
    {
        var (receiver, node, oid) = Names();
        await PyCeleryDeclarations.DeclareAsync(rabbit.Url, receiver, node, oid);
        await using var transport = Create(rabbit.Url);

        await using var events = await transport.SubscribeAsync(Events, "#", $"celeryev.{receiver}");
        await using var mailbox = await transport.SubscribeAsync(Pidbox, "", $"{node}.celery.pidbox");
        await using var replies = await transport.OpenDirectQueueAsync(Reply, oid, $"{oid}.{Reply}");
        await transport.SendDirectAsync(Reply, oid, Message("reply"));
        await transport.PublishAsync(Pidbox, "", Message("request"));
        await transport.PublishAsync(Events, "worker.heartbeat", Message("event"));

        (await ReceiveAsync(replies)).Message!.Headers["x_id"]!.GetValue<string>().Should().Be("reply");
        (await ReceiveAsync(mailbox)).Message!.Headers["x_id"]!.GetValue<string>().Should().Be("request");
        (await ReceiveAsync(events)).RoutingKey.Should().Be("worker.heartbeat");
    }

    private static (string Receiver, string Node, string Oid) Names() =>
        (Guid.NewGuid().ToString(), $"celeriac-{Guid.NewGuid():N}@topology", Guid.NewGuid().ToString());

    private static Protocol.Messages.BrokerMessage Message(string id) =>
        new(new System.Text.Json.Nodes.JsonObject { ["x_id"] = id }, new Protocol.Messages.MessageProperties { DeliveryMode = 1 }, "{}"u8.ToArray());

    private static async Task<BroadcastMessage> ReceiveAsync(IBroadcastSubscription subscription)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var message = await subscription.ReceiveAsync(cts.Token);
        message.Should().NotBeNull();
        return message!;
    }

    private static void ShouldBe(string[] queue, int ttl, int expires)
    {
        // name durable auto_delete exclusive arguments
        queue[1].Should().Be("false", $"{queue[0]} is not durable");
        queue[2].Should().Be("true", $"{queue[0]} is auto-delete");
        queue[3].Should().Be("false", $"{queue[0]} is not exclusive in Celery 5.2");
        var arguments = queue[4].Replace(" ", "", StringComparison.Ordinal);
        arguments.Should().Contain($"{{\"x-message-ttl\",{ttl}}}").And.Contain($"{{\"x-expires\",{expires}}}");
    }

    private async Task<Dictionary<string, string>> ExchangesAsync() =>
        (await rabbit.Server.ListAsync("exchanges", rabbit.VirtualHost, "name", "type", "durable", "auto_delete"))
            .ToDictionary(r => r[0], r => string.Join(' ', r.Skip(1)));

    private async Task<Dictionary<string, string[]>> QueuesAsync() =>
        (await rabbit.Server.ListAsync("queues", rabbit.VirtualHost, "name", "durable", "auto_delete", "exclusive", "arguments"))
            .ToDictionary(r => r[0]);
}
