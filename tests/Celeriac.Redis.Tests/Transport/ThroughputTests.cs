using System.Diagnostics;
using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;
using Xunit.Abstractions;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// Draining a deep queue the way the worker does: ReceiveAsync(256) and acks settled in batches.
/// Prints the rate (<c>--logger "console;verbosity=detailed"</c>); asserts only a sanity floor.
/// Runs alone (its own collection, no parallel classes), so the rate is not other tests' noise.
/// </summary>
[Collection(ThroughputCollection.Name)]
public sealed class ThroughputTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int Count = 20_000;

    [RedisFact]
    public async Task Twenty_thousand_tasks_drain_with_batched_receives_and_acks()
    {
        var prefix = TestTransports.NewPrefix();
        await using var transport = TestTransports.Create(redis.Server, prefix);
        var message = ComplianceMessages.Task();
        var publishing = Stopwatch.StartNew();
        // Concurrent publishers share the pipelined connection, as a busy client app would.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(p => Task.Run(async () =>
        {
            for (var i = p; i < Count; i += 16) await transport.PublishAsync(message, DeliveryInfo.ToQueue("bench"));
        })));
        publishing.Stop();
        (await transport.GetQueueDepthAsync("bench")).Should().Be(Count);
        var consumer = await transport.ConsumeAsync(["bench"]);

        var draining = Stopwatch.StartNew();
        var drained = 0;
        var receives = 0;
        var pending = Task.CompletedTask;
        while (drained < Count)
        {
            var batch = await consumer.ReceiveAsync(256, CancellationToken.None);
            receives++;
            drained += batch.Count;
            batch.Should().OnlyContain(d => d.Malformed == null);
            // The worker's completer acks while the next batch is fetched.
            await pending;
            pending = consumer.SettleAllAsync(batch, SettleAction.Ack).AsTask();
        }
        await pending;
        draining.Stop();

        var rate = Count / draining.Elapsed.TotalSeconds;
        output.WriteLine($"Published {Count} envelopes in {publishing.ElapsedMilliseconds} ms ({Count / publishing.Elapsed.TotalSeconds:N0}/s); " +
                         $"drained in {draining.ElapsedMilliseconds} ms with {receives} receives = {rate:N0} msgs/s");
        drained.Should().Be(Count);
        (await transport.GetQueueDepthAsync("bench")).Should().Be(0);
        await using var raw = TestTransports.Client(redis.Server);
        (await raw.RunAsync("EXISTS", prefix + "unacked", prefix + "unacked_index")).AsInt64().Should().Be(0);
        // Server time per command (pops, acks, publishes), to tell the server's share from ours.
        var stats = (await raw.RunAsync("INFO", "commandstats")).AsString()!;
        output.WriteLine(string.Join("\n", stats.Split('\n').Where(l => l.Contains("evalsha") || l.Contains("zrem") || l.Contains("hdel") || l.Contains("lpush"))));
        rate.Should().BeGreaterThan(3_000);
        await consumer.DisposeAsync();
    }
}
