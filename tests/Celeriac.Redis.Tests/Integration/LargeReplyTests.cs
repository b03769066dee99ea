using System.Diagnostics;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Celeriac.Redis.Tests.Integration;

/// <summary>
/// Replies of hundreds of megabytes (a receive of several 20 MB messages is one array reply):
/// they must arrive at about the link's speed, not slower the bigger they are.
/// </summary>
public sealed class LargeReplyTests(RedisServerFixture fixture, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int MiB = 1024 * 1024;

    [RedisFact]
    public async Task An_array_of_eight_twenty_megabyte_strings_arrives_at_link_speed()
    {
        await using var redis = new RedisClient(fixture.Server.Options(query: "socket_timeout=60"));
        var key = $"large:{Guid.NewGuid():N}";
        var values = Enumerable.Range(0, 8).Select(i =>
        {
            var value = new byte[20 * MiB];
            value.AsSpan().Fill((byte)('a' + i));
            return value;
        }).ToList();
        foreach (var value in values) await redis.ExecuteAsync(new RedisCommand("RPUSH", key, value));
        // Warm: one small array first, so the measurement is the reply, not the first call.
        await redis.ExecuteAsync(new RedisCommand("LRANGE", key, 0, 0));

        var single = Stopwatch.StartNew();
        var one = await redis.ExecuteAsync(new RedisCommand("LRANGE", key, 0, 0));
        single.Stop();
        var watch = Stopwatch.StartNew();
        var all = (await redis.ExecuteAsync(new RedisCommand("LRANGE", key, 0, -1))).AsArray();
        watch.Stop();
        await redis.ExecuteAsync(new RedisCommand("DEL", key));

        all.Select(v => v.Bytes.Length).Should().AllBeEquivalentTo(20 * MiB);
        for (var i = 0; i < 8; i++) all[i].Bytes.Span.SequenceEqual(values[i]).Should().BeTrue();
        one.AsArray().Should().ContainSingle();
        var rate = 160 / watch.Elapsed.TotalSeconds;
        output.WriteLine($"LRANGE of 8 x 20 MiB: {watch.ElapsedMilliseconds} ms = {rate:N0} MiB/s; of 1 x 20 MiB: {single.ElapsedMilliseconds} ms = {20 / single.Elapsed.TotalSeconds:N0} MiB/s");
        // Linear: eight times the bytes may take about eight times as long, never the square of it.
        // The margins are wide for a shared 2-core machine; quadratic re-parsing took minutes here.
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
        watch.Elapsed.TotalMilliseconds.Should().BeLessThan(30 * Math.Max(single.Elapsed.TotalMilliseconds, 50),
            "the cost of a reply grows with its size, not with its size squared");
    }
}
