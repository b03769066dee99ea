using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Integration;

/// <summary>Each test kills and restarts its own redis-server, so none shares a fixture.</summary>
public sealed class ReconnectTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);

    [RedisFact]
    public async Task Commands_fail_while_the_server_is_gone_and_work_again_when_it_is_back()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = new RedisClient(server.Options(query: "socket_connect_timeout=0.5"));
        await using var blocking = await redis.OpenDedicatedConnectionAsync();
        await redis.ExecuteAsync(new RedisCommand("SET", "k", "before"));

        // In flight when the server dies: a blocking pop that would otherwise wait 30 s.
        var inFlight = blocking.ExecuteAsync(new RedisCommand("BRPOP", "q", 30).WithBlockingTimeout(TimeSpan.FromSeconds(30))).AsTask();
        await Task.Delay(100);
        await server.StopAsync();

        var lost = async () => await inFlight;
        (await lost.Should().ThrowAsync<RedisConnectionException>()).Which.Message
            .Should().Contain($"127.0.0.1:{server.Port}").And.Contain("closed by the server").And.Contain("BRPOP");

        var whileDown = async () => await redis.ExecuteAsync(new RedisCommand("GET", "k"));
        (await whileDown.Should().ThrowAsync<RedisConnectionException>()).Which.Message.Should().Contain("ConnectionRefused");

        await server.StartAgainAsync();

        // Same client, same dedicated connection: both reconnect by themselves (the data is gone:
        // the restarted server has no persistence).
        var after = await Eventually.SucceedsAsync(async () => await redis.ExecuteAsync(new RedisCommand("SET", "k", "after")), Recovery);
        after.AsString().Should().Be("OK");
        (await redis.ExecuteAsync(new RedisCommand("GET", "k"))).AsString().Should().Be("after");
        var popped = await Eventually.SucceedsAsync(
            async () => await blocking.ExecuteAsync(new RedisCommand("BRPOP", "q", 0.1).WithBlockingTimeout(TimeSpan.FromSeconds(0.1))), Recovery);
        popped.IsNull.Should().BeTrue();
    }

    [RedisFact]
    public async Task A_subscriber_resubscribes_to_channels_and_patterns_after_a_restart()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = new RedisClient(server.Options(query: "socket_connect_timeout=0.5"));
        await using var subscriber = await redis.OpenSubscriberAsync();
        await subscriber.SubscribeAsync(["events"]);
        await subscriber.PatternSubscribeAsync(["celeryev.*"]);
        await redis.ExecuteAsync(new RedisCommand("PUBLISH", "events", "before"));
        (await Eventually.ReceiveAsync(subscriber.Messages, Recovery)).Payload.Should().Be("before");

        await server.StopAsync();
        await Task.Delay(300); // let the subscriber notice and start retrying against a dead port
        subscriber.IsConnected.Should().BeFalse();
        await server.StartAgainAsync();

        // Nobody touches the subscriber: its own loop reconnects and subscribes again. PUBLISH
        // answers how many subscriptions received it, so wait for both (channel and pattern).
        await Eventually.SucceedsAsync(async () =>
        {
            var receivers = (await redis.ExecuteAsync(new RedisCommand("PUBSUB", "NUMSUB", "events"))).AsArray()[1].AsInt64()
                + (await redis.ExecuteAsync(new RedisCommand("PUBSUB", "NUMPAT"))).AsInt64();
            return receivers == 2 ? receivers : throw new InvalidOperationException($"{receivers} subscriptions so far");
        }, Recovery);

        (await redis.ExecuteAsync(new RedisCommand("PUBLISH", "events", "after"))).AsInt64().Should().Be(1);
        (await redis.ExecuteAsync(new RedisCommand("PUBLISH", "celeryev.worker-online", "hello"))).AsInt64().Should().Be(1);
        (await Eventually.ReceiveAsync(subscriber.Messages, Recovery)).Should().Be(new RedisMessageAssert("events", null, "after"));
        (await Eventually.ReceiveAsync(subscriber.Messages, Recovery))
            .Should().Be(new RedisMessageAssert("celeryev.worker-online", "celeryev.*", "hello"));
    }

    [RedisFact]
    public async Task Reconnect_attempts_back_off_while_the_server_stays_down()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = new RedisConnection(server.Options(query: "socket_connect_timeout=0.2"));
        await connection.ConnectAsync();
        await server.StopAsync();

        // Each failed attempt pushes the next one out: 50 ms, 100 ms, 200 ms … (jittered down to half),
        // so four attempts cannot finish before 25 + 50 + 100 ms. (Measured as a lower bound: a
        // loaded machine only makes it longer; reading RetryDelay afterwards raced with the clock.)
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var act = async () => await connection.ExecuteAsync(new RedisCommand("PING"));
            await act.Should().ThrowAsync<RedisConnectionException>();
        }
        started.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(175));
        ReconnectBackoff.Delay(1).Should().Be(TimeSpan.FromMilliseconds(50));
        ReconnectBackoff.Delay(3).Should().Be(TimeSpan.FromMilliseconds(200));
        ReconnectBackoff.Delay(50).Should().Be(TimeSpan.FromSeconds(2));

        await server.StartAgainAsync();
        (await Eventually.SucceedsAsync(async () => await connection.ExecuteAsync(new RedisCommand("PING")), Recovery))
            .AsString().Should().Be("PONG");
        connection.RetryDelay.Should().Be(TimeSpan.Zero);
    }
}
