using System.Diagnostics;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Integration;

public sealed class FailureTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task An_unreachable_port_fails_quickly_with_the_endpoint_and_socket_error()
    {
        var port = FreePort.Pick(); // nothing listens there
        await using var redis = new RedisClient(RedisConnectionOptions.Parse($"redis://127.0.0.1:{port}/0?socket_connect_timeout=0.5"));
        var watch = Stopwatch.StartNew();
        var act = () => redis.ConnectAsync();
        var error = (await act.Should().ThrowAsync<RedisConnectionException>()).Which;
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        error.Message.Should().Be($"Could not connect to Redis at 127.0.0.1:{port}: ConnectionRefused (Connection refused).");

        // A command reports the same problem (after waiting at most the connect timeout for the backoff).
        var command = async () => await redis.ExecuteAsync(new RedisCommand("PING"));
        (await command.Should().ThrowAsync<RedisConnectionException>()).Which.Message
            .Should().Contain($"127.0.0.1:{port}").And.Contain("ConnectionRefused");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_fails_after_the_connect_timeout()
    {
        await using var silent = new ScriptedServer(_ => null);
        await using var redis = new RedisClient(silent.Options("socket_connect_timeout=0.3"));
        var watch = Stopwatch.StartNew();
        var act = () => redis.ConnectAsync();
        (await act.Should().ThrowAsync<RedisConnectionException>()).Which.Message
            .Should().Be($"Redis at 127.0.0.1:{silent.Port} accepted the connection but did not answer the handshake within 300 ms.");
        watch.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(250)).And.BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Garbage_from_the_server_fails_the_command_with_a_protocol_error_and_the_next_command_reconnects()
    {
        var sendGarbage = true;
        await using var server = new ScriptedServer(command => command[0] switch
        {
            "PING" => "+PONG\r\n"u8.ToArray(),
            "GET" when sendGarbage => "?what is this\r\n"u8.ToArray(),
            "GET" => "$2\r\nok\r\n"u8.ToArray(),
            _ => "-ERR unexpected\r\n"u8.ToArray(),
        });
        await using var redis = new RedisClient(server.Options());
        var act = async () => await redis.ExecuteAsync(new RedisCommand("GET", "k"));
        (await act.Should().ThrowAsync<RedisProtocolException>()).Which.Message
            .Should().Contain("unexpected type byte '?'");

        sendGarbage = false;
        (await redis.ExecuteAsync(new RedisCommand("GET", "k"))).AsString().Should().Be("ok");
        server.Connections.Should().Be(2, "a protocol error closes the connection; the next command opens a new one");
    }

    [RedisFact]
    public async Task A_command_without_a_reply_in_time_times_out_and_the_client_recovers()
    {
        await using var redis = new RedisClient(fixture.Server.Options(query: "socket_timeout=0.2"));
        (await redis.ExecuteAsync(new RedisCommand("PING"))).AsString().Should().Be("PONG");

        var watch = Stopwatch.StartNew();
        var act = async () => await redis.ExecuteAsync(new RedisCommand("DEBUG", "SLEEP", 1));
        (await act.Should().ThrowAsync<TimeoutException>()).Which.Message
            .Should().Be($"Redis at 127.0.0.1:{fixture.Server.Port} did not answer DEBUG within 200 ms; the connection is closed and a new one will be opened for the next command.");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(900), "the timeout fired, not the end of the sleep");

        // The next command gets a fresh connection (its handshake waits out the sleep) and works.
        (await redis.ExecuteAsync(new RedisCommand("ECHO", "back"))).AsString().Should().Be("back");
    }

    [RedisFact]
    public async Task A_blocking_command_may_wait_its_server_timeout_plus_the_socket_timeout()
    {
        await using var redis = new RedisClient(fixture.Server.Options(query: "socket_timeout=0.2"));
        await using var blocking = await redis.OpenDedicatedConnectionAsync();
        var key = $"fail:{Guid.NewGuid():N}";
        // Without the blocking timeout, BRPOP 1 would time out after 200 ms.
        var popped = await blocking.ExecuteAsync(new RedisCommand("BRPOP", key, 1).WithBlockingTimeout(TimeSpan.FromSeconds(1)));
        popped.IsNull.Should().BeTrue();

        var act = async () => await blocking.ExecuteAsync(new RedisCommand("BRPOP", key, 1));
        await act.Should().ThrowAsync<TimeoutException>();
        (await blocking.ExecuteAsync(new RedisCommand("PING"))).AsString().Should().Be("PONG");
    }

    [RedisFact]
    public async Task Disposed_clients_refuse_new_commands()
    {
        var redis = new RedisClient(fixture.Server.Options());
        await redis.ExecuteAsync(new RedisCommand("PING"));
        await redis.DisposeAsync();
        var act = async () => await redis.ExecuteAsync(new RedisCommand("PING"));
        await act.Should().ThrowAsync<ObjectDisposedException>();
    }
}
