using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Redis.Transport;
using Celeriac.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// The sweep's <c>unacked_mutex</c>: a command that timed out must never leave it held for its
/// whole TTL (every sweep everywhere would be skipped that long), and a timed-out command must not
/// hand its late reply to the command after it.
/// </summary>
public sealed class SweepLockTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = TestTransports.NewPrefix();

    [RedisFact]
    public async Task A_lock_whose_SET_timed_out_is_released_once_the_server_answers_again()
    {
        var app = new CeleriacOptions();
        app.BrokerTransportOptions["global_keyprefix"] = _prefix;
        app.BrokerTransportOptions["unacked_mutex_expire"] = "120";
        await using var transport = new RedisTransport(new ProviderContext(
            new Uri(redis.Server.Url(query: "socket_timeout=0.3")), app, NullLoggerFactory.Instance));
        await using var raw = new RedisClient(redis.Server.Options(query: "socket_timeout=30"));
        await transport.Client.ExecuteAsync(new RedisCommand("PING"));

        // The server stalls (as it does running a long script): the sweep's SET waits behind it,
        // times out here, and runs on the server once the stall ends.
        await using var probe = new RedisClient(redis.Server.Options(query: "socket_timeout=0.1"));
        await probe.ExecuteAsync(new RedisCommand("PING"));
        var stall = raw.ExecuteAsync(new RedisCommand("DEBUG", "SLEEP", "1.5")).AsTask();
        await WaitUntilAsleepAsync(probe);
        var sweep = async () => await transport.Sweeper!.SweepAsync(CancellationToken.None);
        await sweep.Should().ThrowAsync<TimeoutException>();
        await stall;
        await transport.Sweeper!.LateRelease.WaitAsync(TimeSpan.FromSeconds(30));

        (await raw.ExecuteAsync(new RedisCommand("EXISTS", _prefix + "unacked_mutex"))).AsInt64()
            .Should().Be(0, "the sweep released by its token what its timed-out SET locked, instead of leaving it for 120 s");
        (await transport.Sweeper!.SweepAsync(CancellationToken.None)).Should().Be(0);
        (await raw.ExecuteAsync(new RedisCommand("EXISTS", _prefix + "unacked_mutex"))).AsInt64().Should().Be(0);
    }

    [RedisFact]
    public async Task Commands_queued_behind_a_timed_out_one_fail_and_never_get_its_reply()
    {
        await using var client = new RedisClient(redis.Server.Options(query: "socket_timeout=0.3"));
        await client.ExecuteAsync(new RedisCommand("SET", _prefix + "a", "value-a"));
        await client.ExecuteAsync(new RedisCommand("SET", _prefix + "b", "value-b"));

        var slow = client.ExecuteAsync(new RedisCommand("DEBUG", "SLEEP", "1")).AsTask();
        var behind = client.ExecuteAsync(new RedisCommand("GET", _prefix + "a")).AsTask();
        await FluentActions.Awaiting(() => slow).Should().ThrowAsync<TimeoutException>();
        (await FluentActions.Awaiting(() => behind).Should().ThrowAsync<Exception>("its connection closed with the timeout"))
            .Which.Should().Match<Exception>(e => e is TimeoutException || e is RedisConnectionException);

        // A fresh connection: each reply goes to its own command.
        (await client.ExecuteAsync(new RedisCommand("GET", _prefix + "b"))).AsString().Should().Be("value-b");
        (await client.ExecuteAsync(new RedisCommand("GET", _prefix + "a"))).AsString().Should().Be("value-a");
    }

    // A PING on a connected client that times out says the server is busy: no reply, no guess.
    private static async Task WaitUntilAsleepAsync(RedisClient probe)
    {
        while (true)
        {
            try
            {
                await probe.ExecuteAsync(new RedisCommand("PING"));
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }
}
