using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// The broker going away: receives fail while it is down (the worker's fetch loop retries) and the
/// same consumer carries on when it is back. Each test kills and restarts its own redis-server.
/// </summary>
public sealed class RestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [RedisFact]
    public async Task A_consumer_survives_a_redis_restart()
    {
        await using var server = await RedisServer.StartAsync();
        var options = new Dictionary<string, string>();
        await using var transport = TestTransports.Create(server, options);
        var consumer = await transport.ConsumeAsync(["restart_q"]);
        await transport.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue("restart_q"));
        var before = await consumer.ReceiveOneAsync(Timeout);

        // Blocked in BRPOP when the server dies, like an idle worker.
        var blocked = consumer.ReceiveAsync(10, CancellationToken.None).AsTask();
        await Task.Delay(200);
        await server.StopAsync();
        var failed = async () => await blocked.WaitAsync(Timeout);
        await failed.Should().ThrowAsync<RedisConnectionException>();
        var whileDown = async () => await consumer.ReceiveAsync(10, CancellationToken.None);
        await whileDown.Should().ThrowAsync<RedisConnectionException>("the worker's fetch loop logs it and retries");

        await server.StartAgainAsync(); // empty: the test server has no persistence
        await consumer.SettleAsync(before, SettleAction.Ack); // harmless on the fresh server
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var message = ComplianceMessages.Task(i);
            await Eventually.SucceedsAsync(async () => { await transport.PublishAsync(message, DeliveryInfo.ToQueue("restart_q")); return true; }, Timeout);
            sent.Add(ComplianceMessages.IdOf(message));
        }
        var received = new List<TransportDelivery>();
        var deadline = DateTime.UtcNow + Timeout;
        while (received.Count < 3 && DateTime.UtcNow < deadline)
        {
            try
            {
                received.AddRange(await consumer.ReceiveAsync(3 - received.Count, CancellationToken.None));
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(100); // as the worker backs off
            }
        }

        received.Select(ComplianceMessages.IdOf).Should().Equal(sent, "the scripts are loaded again (NOSCRIPT → EVAL) and the dedicated connection reconnects");
        await consumer.SettleAllAsync(received, SettleAction.Ack);
        (await transport.GetQueueDepthAsync("restart_q")).Should().Be(0);
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task Opening_a_consumer_on_an_unreachable_broker_fails_and_works_once_it_is_up()
    {
        await using var server = await RedisServer.StartAsync();
        await server.StopAsync();
        await using var transport = TestTransports.Create(server);

        var open = async () => await transport.ConsumeAsync(["q"]);

        var refused = System.Diagnostics.Stopwatch.StartNew();
        await open.Should().ThrowAsync<RedisConnectionException>();
        refused.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "a refused connection fails the open at once, not after the sweep lock's 300 s TTL");
        await server.StartAgainAsync();
        var consumer = await Eventually.SucceedsAsync(async () => await transport.ConsumeAsync(["q"]), Timeout);
        await transport.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue("q"));
        (await consumer.ReceiveOneAsync(Timeout)).Malformed.Should().BeNull();
        await consumer.DisposeAsync();
    }
}
