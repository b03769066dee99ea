using System.Diagnostics;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Celeriac.Redis.Tests.Integration;

public sealed class PipeliningTests(RedisServerFixture fixture, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = $"pipe:{Guid.NewGuid():N}:";

    [RedisFact]
    public async Task Ten_thousand_concurrent_sets_and_gets_on_one_connection_all_match()
    {
        await using var redis = new RedisClient(fixture.Server.Options());
        await redis.ConnectAsync();
        const int count = 10_000;
        await redis.ExecuteAsync(new RedisCommand("PING")); // warm up JIT and pools

        var watch = Stopwatch.StartNew();
        // Many tasks at once, each SET then GET of its own key: replies must come back to the
        // right caller even though thousands are in flight on one socket.
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            var key = _prefix + i;
            var value = "value-" + i;
            var set = await redis.ExecuteAsync(new RedisCommand("SET", key, value));
            var get = await redis.ExecuteAsync(new RedisCommand("GET", key));
            return set.AsString() == "OK" && get.AsString() == value;
        }));
        var results = await Task.WhenAll(tasks);
        watch.Stop();

        results.Should().AllSatisfy(ok => ok.Should().BeTrue());
        var perSecond = 2 * count / watch.Elapsed.TotalSeconds;
        output.WriteLine($"Pipelined throughput: {2 * count} commands from {count} concurrent tasks on one connection in {watch.ElapsedMilliseconds} ms = {perSecond:N0} commands/s");
        perSecond.Should().BeGreaterThan(2_000, "pipelining should be far faster than one round trip at a time");

        var clients = (await redis.ExecuteAsync(new RedisCommand("CLIENT", "LIST", "TYPE", "normal"))).AsString()!;
        output.WriteLine($"Server sees {clients.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} normal client connection(s)");
    }

    [RedisFact]
    public async Task A_burst_of_commands_from_one_caller_is_answered_in_order()
    {
        await using var redis = new RedisClient(fixture.Server.Options());
        await redis.ConnectAsync();
        const int count = 50_000;
        var key = _prefix + "counter";
        var watch = Stopwatch.StartNew();
        var pending = new ValueTask<RespValue>[count];
        for (var i = 0; i < count; i++) pending[i] = redis.ExecuteAsync(new RedisCommand("INCR", key));
        // Plain comparisons, one assertion at the end: 50,000 assertion calls would measure the
        // assertion library (and hog the thread pool the client's I/O runs on).
        var outOfOrder = 0;
        for (var i = 0; i < count; i++)
        {
            if ((await pending[i]).AsInt64() != i + 1) outOfOrder++;
        }
        watch.Stop();
        outOfOrder.Should().Be(0, "replies are matched in the order the commands were sent");
        output.WriteLine($"Pipelined INCR burst: {count} commands in {watch.ElapsedMilliseconds} ms = {count / watch.Elapsed.TotalSeconds:N0} commands/s");
    }

    [RedisFact]
    public async Task A_batch_is_written_at_once_and_returns_every_reply_in_order()
    {
        await using var redis = new RedisClient(fixture.Server.Options());
        var key = _prefix + "batch";
        var replies = await redis.ExecuteBatchAsync(
        [
            new RedisCommand("SET", key, 1),
            new RedisCommand("INCR", key),
            new RedisCommand("LPUSH", key, "x"),
            new RedisCommand("GET", key),
        ]);
        replies.Should().HaveCount(4);
        replies[0].AsString().Should().Be("OK");
        replies[1].AsInt64().Should().Be(2);
        replies[2].IsError.Should().BeTrue("an error reply stays in its slot");
        replies[2].AsString().Should().StartWith("WRONGTYPE");
        replies[3].AsString().Should().Be("2");

        (await redis.ExecuteBatchAsync([])).Should().BeEmpty();
    }

    [RedisFact]
    public async Task Multi_exec_through_a_batch_is_atomic()
    {
        await using var redis = new RedisClient(fixture.Server.Options());
        var key = _prefix + "tx";
        var replies = await redis.ExecuteBatchAsync(
        [
            new RedisCommand("MULTI"),
            new RedisCommand("SET", key, 10),
            new RedisCommand("INCRBY", key, 5),
            new RedisCommand("RPUSH", _prefix + "txlist", "a", "b"),
            new RedisCommand("EXEC"),
        ]);
        replies[0].AsString().Should().Be("OK");
        replies[1..4].Should().AllSatisfy(r => r.AsString().Should().Be("QUEUED"));
        var exec = replies[4].AsArray();
        exec.Select(r => r.AsString()).Should().Equal("OK", "15", "2");

        // A queued command with a syntax error aborts the whole transaction.
        var aborted = await redis.ExecuteBatchAsync(
        [
            new RedisCommand("MULTI"),
            new RedisCommand("SET", key, 99),
            new RedisCommand("INCRBY", key),
            new RedisCommand("EXEC"),
        ]);
        aborted[2].IsError.Should().BeTrue();
        aborted[3].AsString().Should().StartWith("EXECABORT");
        (await redis.ExecuteAsync(new RedisCommand("GET", key))).AsString().Should().Be("15");
    }

    [RedisFact]
    public async Task Batches_and_single_commands_interleave_correctly()
    {
        await using var redis = new RedisClient(fixture.Server.Options());
        var work = Enumerable.Range(0, 200).Select(async i =>
        {
            var key = _prefix + "mix" + i;
            if (i % 2 == 0)
            {
                var replies = await redis.ExecuteBatchAsync([new RedisCommand("SET", key, i), new RedisCommand("GET", key), new RedisCommand("ECHO", "b" + i)]);
                return replies[1].AsInt64() == i && replies[2].AsString() == "b" + i;
            }
            await redis.ExecuteAsync(new RedisCommand("SET", key, i));
            return (await redis.ExecuteAsync(new RedisCommand("GET", key))).AsInt64() == i;
        });
        (await Task.WhenAll(work)).Should().AllSatisfy(ok => ok.Should().BeTrue());
    }
}
