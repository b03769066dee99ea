using System.Text;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Tests.Broadcast;

/// <summary>
/// What a Celeriac worker and control client put on the wire over AMQP carries Celery's properties
/// (docs/protocol.md §3.6–3.7): events delivery mode 1 with the <c>hostname</c> header, control requests
/// delivery mode 2 with <c>clock</c>/<c>expires</c>, replies delivery mode 1 with <c>ticket</c>/<c>clock</c>;
/// JSON, no library headers. Read with a plain RabbitMQ.Client tap queue bound next to ours.
/// </summary>
public sealed class RabbitMqBroadcastWireTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [RabbitMqFact]
    public async Task Events_requests_and_replies_have_celerys_properties_and_headers()
    {
        var factory = new ConnectionFactory { Uri = new Uri(rabbit.Url) };
        await using var tapConnection = await factory.CreateConnectionAsync();
        await using var tap = await tapConnection.CreateChannelAsync();
        await tap.ExchangeDeclareAsync("celeryev", "topic", durable: true);
        await tap.ExchangeDeclareAsync("celery.pidbox", "fanout", durable: false);
        var events = (await tap.QueueDeclareAsync("")).QueueName;
        var requests = (await tap.QueueDeclareAsync("")).QueueName;
        await tap.QueueBindAsync(events, "celeryev", "worker.#");
        await tap.QueueBindAsync(requests, "celery.pidbox", "");

        await using var app = CeleriacApp.Create(o => { o.BrokerUrl = rabbit.Url; o.ResultBackend = "memory://wire"; o.UseRabbitMq(); });
        const string node = "celeriac@wire";
        await using var worker = app.CreateWorker(w => { w.Hostname = node; w.Queues = [$"wire-{Guid.NewGuid():N}"]; });
        await worker.StartAsync();
        // The first ping opens the client's reply queue; tap its oid's replies from then on.
        (await app.Control.PingAsync(new Control.ControlCallOptions { Destination = [node], Timeout = TimeSpan.FromSeconds(5) })).Should().ContainKey(node);
        var replyQueue = (await rabbit.Server.ListAsync("queues", rabbit.VirtualHost, "name")).Select(r => r[0]).Single(n => n.EndsWith(".reply.celery.pidbox", StringComparison.Ordinal));
        var replies = (await tap.QueueDeclareAsync("")).QueueName;
        await tap.QueueBindAsync(replies, "reply.celery.pidbox", replyQueue[..^".reply.celery.pidbox".Length]);
        (await app.Control.PingAsync(new Control.ControlCallOptions { Destination = [node], Timeout = TimeSpan.FromSeconds(5) })).Should().ContainKey(node);

        var heartbeat = await GetAsync(tap, events, m => m.RoutingKey == "worker.online" || m.RoutingKey == "worker.heartbeat");
        heartbeat.BasicProperties.DeliveryMode.Should().Be(DeliveryModes.Transient);
        heartbeat.BasicProperties.ContentType.Should().Be("application/json");
        heartbeat.BasicProperties.Headers!.Keys.Should().Equal("hostname");
        Encoding.UTF8.GetString((byte[])heartbeat.BasicProperties.Headers["hostname"]!).Should().Be(node);

        var request = await GetAsync(tap, requests, m => Encoding.UTF8.GetString(m.Body.Span).Contains("\"ping\"", StringComparison.Ordinal));
        request.BasicProperties.DeliveryMode.Should().Be(DeliveryModes.Persistent);
        request.BasicProperties.Headers!.Keys.Should().BeEquivalentTo("clock", "expires");
        request.Exchange.Should().Be("celery.pidbox");

        var reply = await GetAsync(tap, replies, _ => true);
        reply.BasicProperties.DeliveryMode.Should().Be(DeliveryModes.Transient);
        reply.BasicProperties.Headers!.Keys.Should().BeEquivalentTo("ticket", "clock");
        Encoding.UTF8.GetString(reply.Body.Span).Should().Be("{\"" + node + "\":{\"ok\":\"pong\"}}");
    }

    private static async Task<BasicGetResult> GetAsync(IChannel channel, string queue, Func<BasicGetResult, bool> wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
            {
                if (wanted(got)) return got;
                continue;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"nothing wanted arrived in {queue}");
    }
}
