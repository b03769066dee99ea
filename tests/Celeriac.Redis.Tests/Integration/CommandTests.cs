using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Integration;

public sealed class CommandTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly string _prefix = $"cmd:{Guid.NewGuid():N}:";
    private RedisClient _redis = null!;

    public Task InitializeAsync()
    {
        _redis = new RedisClient(fixture.Server.Options());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private string Key(string name) => _prefix + name;

    private ValueTask<RespValue> Run(string name, params RedisArgument[] arguments) => _redis.ExecuteAsync(new RedisCommand(name, arguments));

    [RedisFact]
    public async Task Strings_set_get_setex_incr_expire_del()
    {
        (await Run("SET", Key("s"), "hello")).AsString().Should().Be("OK");
        (await Run("GET", Key("s"))).AsString().Should().Be("hello");
        (await Run("GET", Key("missing"))).IsNull.Should().BeTrue();

        (await Run("SETEX", Key("tmp"), 100, "x")).AsString().Should().Be("OK");
        (await Run("TTL", Key("tmp"))).AsInt64().Should().BeInRange(1, 100);

        (await Run("INCR", Key("n"))).AsInt64().Should().Be(1);
        (await Run("INCR", Key("n"))).AsInt64().Should().Be(2);
        (await Run("GET", Key("n"))).AsInt64().Should().Be(2);
        (await Run("EXPIRE", Key("n"), 60)).AsInt64().Should().Be(1);
        (await Run("EXPIRE", Key("nothing"), 60)).AsInt64().Should().Be(0);

        (await Run("DEL", Key("s"), Key("n"), Key("missing"))).AsInt64().Should().Be(2);
        (await Run("EXISTS", Key("s"))).AsInt64().Should().Be(0);
    }

    [RedisFact]
    public async Task Binary_and_large_values_round_trip()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await Run("SET", Key("bin"), all);
        (await Run("GET", Key("bin"))).Bytes.ToArray().Should().Equal(all);

        var big = new byte[1024 * 1024];
        new Random(5).NextBytes(big);
        await Run("SET", Key("big"), big);
        (await Run("GET", Key("big"))).Bytes.Span.SequenceEqual(big).Should().BeTrue();
    }

    [RedisFact]
    public async Task Lists_lpush_rpop_with_count_and_brpop_on_a_dedicated_connection()
    {
        (await Run("LPUSH", Key("q"), "a", "b", "c")).AsInt64().Should().Be(3);
        (await Run("RPOP", Key("q"), 2)).AsArray().Select(v => v.AsString()).Should().Equal("a", "b");

        await using var blocking = await _redis.OpenDedicatedConnectionAsync();
        var popped = await blocking.ExecuteAsync(new RedisCommand("BRPOP", Key("q"), 1).WithBlockingTimeout(TimeSpan.FromSeconds(1)));
        popped.AsArray().Select(v => v.AsString()).Should().Equal(Key("q"), "c");

        // Blocks until another connection pushes.
        var waiting = blocking.ExecuteAsync(new RedisCommand("BRPOP", Key("q2"), 5).WithBlockingTimeout(TimeSpan.FromSeconds(5))).AsTask();
        await Task.Delay(100);
        waiting.IsCompleted.Should().BeFalse();
        await Run("LPUSH", Key("q2"), "late");
        (await waiting).AsArray()[1].AsString().Should().Be("late");

        // A server-side timeout is a nil reply, not a client timeout.
        var nothing = await blocking.ExecuteAsync(new RedisCommand("BRPOP", Key("empty"), 0.2).WithBlockingTimeout(TimeSpan.FromSeconds(0.2)));
        nothing.IsNull.Should().BeTrue();
    }

    [RedisFact]
    public async Task Hashes_sets_and_sorted_sets()
    {
        (await Run("HSET", Key("h"), "f1", "v1", "f2", 2)).AsInt64().Should().Be(2);
        (await Run("HDEL", Key("h"), "f1")).AsInt64().Should().Be(1);
        (await Run("HGETALL", Key("h"))).AsArray().Select(v => v.AsString()).Should().Equal("f2", "2");

        (await Run("SADD", Key("set"), "x", "y", "x")).AsInt64().Should().Be(2);
        (await Run("SMEMBERS", Key("set"))).AsArray().Select(v => v.AsString()).Should().BeEquivalentTo("x", "y");

        (await Run("ZADD", Key("z"), 1.5, "a", 2.25, "b", -3, "c", double.PositiveInfinity, "top")).AsInt64().Should().Be(4);
        (await Run("ZREM", Key("z"), "c")).AsInt64().Should().Be(1);
        var range = (await Run("ZRANGEBYSCORE", Key("z"), "-inf", "+inf", "WITHSCORES")).AsArray();
        range.Select(v => v.AsString()).Should().Equal("a", "1.5", "b", "2.25", "top", "inf");
        range[5].AsDouble().Should().Be(double.PositiveInfinity);
        (await Run("ZRANGEBYSCORE", Key("z"), 0, 2)).AsArray().Select(v => v.AsString()).Should().Equal("a");
    }

    [RedisFact]
    public async Task Publish_answers_the_number_of_receivers()
    {
        (await Run("PUBLISH", Key("nobody-listens"), "hi")).AsInt64().Should().Be(0);
    }

    [RedisFact]
    public async Task Wrongtype_fails_that_command_only_and_the_connection_stays_usable()
    {
        await Run("SET", Key("str"), "v");
        var act = async () => await Run("LPUSH", Key("str"), "x");
        var error = (await act.Should().ThrowAsync<RedisServerException>()).Which;
        error.Message.Should().Be("WRONGTYPE Operation against a key holding the wrong kind of value");
        error.ErrorCode.Should().Be("WRONGTYPE");

        (await Run("GET", Key("str"))).AsString().Should().Be("v");
        var unknown = async () => await Run("NOSUCHCOMMAND");
        (await unknown.Should().ThrowAsync<RedisServerException>()).Which.ErrorCode.Should().Be("ERR");
        (await Run("PING")).AsString().Should().Be("PONG");
    }

    [RedisFact]
    public async Task Selects_the_database_from_the_url_and_sets_the_client_name()
    {
        await using var db5 = new RedisClient(fixture.Server.Options(5, "client_name=celeriac-test"));
        await db5.ExecuteAsync(new RedisCommand("SET", Key("where"), "five"));
        (await db5.ExecuteAsync(new RedisCommand("CLIENT", "GETNAME"))).AsString().Should().Be("celeriac-test");
        (await Run("GET", Key("where"))).IsNull.Should().BeTrue("db 0 is another keyspace");
        (await db5.ExecuteAsync(new RedisCommand("GET", Key("where")))).AsString().Should().Be("five");
    }

    [RedisFact]
    public async Task A_bad_database_number_is_a_clear_connection_error()
    {
        await using var db999 = new RedisClient(fixture.Server.Options(999));
        var act = () => db999.ConnectAsync();
        (await act.Should().ThrowAsync<RedisConnectionException>()).Which.Message
            .Should().Contain($"127.0.0.1:{fixture.Server.Port}").And.Contain("SELECT 999").And.Contain("DB index is out of range");
    }

    [RedisFact]
    public async Task Scripts_run_by_hash_and_fall_back_to_eval_after_a_script_flush()
    {
        var script = new RedisScript("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[2])");
        await Run("SCRIPT", "FLUSH");
        var first = await _redis.EvaluateAsync(script, [Key("a"), Key("b")], ["x", 5]);
        first.AsInt64().Should().Be(5);
        (await Run("SCRIPT", "EXISTS", script.Sha1)).AsArray()[0].AsInt64().Should().Be(1, "EVAL cached it");
        (await _redis.EvaluateAsync(script, [Key("a"), Key("b")], ["y", 5])).AsInt64().Should().Be(10);
        (await Run("GET", Key("a"))).AsString().Should().Be("y");

        var failing = new RedisScript("return redis.call('LPUSH', KEYS[1], 'x')");
        var act = async () => await _redis.EvaluateAsync(failing, [Key("a")], []);
        (await act.Should().ThrowAsync<RedisServerException>()).Which.Message.Should().Contain("WRONGTYPE");
    }

    [RedisFact]
    public async Task A_cancelled_wait_abandons_only_that_reply()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var act = async () => await _redis.ExecuteAsync(new RedisCommand("DEBUG", "SLEEP", 0.3), cancel.Token);
        await act.Should().ThrowAsync<OperationCanceledException>();
        // The SLEEP's +OK still arrives first and is matched to the abandoned slot, not to this PING.
        (await Run("PING")).AsString().Should().Be("PONG");
        (await Run("ECHO", "after")).AsString().Should().Be("after");
    }

    [RedisFact]
    public async Task Blocking_commands_are_refused_on_the_shared_connection()
    {
        var act = async () => await _redis.ExecuteAsync(new RedisCommand("BRPOP", Key("q"), 1).WithBlockingTimeout(TimeSpan.FromSeconds(1)));
        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("OpenDedicatedConnectionAsync");
    }

    [RedisFact]
    public async Task Disposing_the_client_closes_the_dedicated_connections_it_handed_out()
    {
        var redis = new RedisClient(fixture.Server.Options());
        var blocking = await redis.OpenDedicatedConnectionAsync();
        var subscriber = await redis.OpenSubscriberAsync();
        var waiting = blocking.ExecuteAsync(new RedisCommand("BRPOP", Key("never"), 10).WithBlockingTimeout(TimeSpan.FromSeconds(10))).AsTask();

        await redis.DisposeAsync();

        var act = async () => await waiting;
        (await act.Should().ThrowAsync<RedisConnectionException>()).Which.Message.Should().Contain("closed by the client");
        blocking.IsConnected.Should().BeFalse();
        await subscriber.Messages.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
