using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary><c>global_keyprefix</c> reaches every key and channel the transport touches (docs/protocol.md §2.8).</summary>
public sealed class KeyPrefixTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [RedisFact]
    public async Task Every_key_and_channel_carries_the_prefix()
    {
        // A database of its own, so KEYS * sees only what this test wrote.
        const int database = 7;
        const string prefix = "app:";
        await using var raw = TestTransports.Client(redis.Server, database);
        await raw.RunAsync("FLUSHDB");
        var options = new Dictionary<string, string> { ["global_keyprefix"] = prefix, ["deadletter_queue"] = "dead" };
        await using var transport = TestTransports.Create(redis.Server, options, database);
        // Another worker with a short visibility timeout, to sweep on demand.
        await using var sweeping = TestTransports.Create(redis.Server, new Dictionary<string, string>(options) { ["visibility_timeout"] = "0.2" }, database);
        await using var listener = await raw.OpenSubscriberAsync();
        await listener.PatternSubscribeAsync(["*"]);

        await transport.DeclareQueueAsync("celery");
        await transport.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue("celery"));
        await transport.PublishAsync(ComplianceMessages.Task(), new DeliveryInfo("celery", "celery"));
        await transport.PublishAsync(ComplianceMessages.Task(), new DeliveryInfo("unbound", "x"));
        await raw.RunAsync("LPUSH", prefix + "celery", "garbage");
        var consumer = await transport.ConsumeAsync(["celery"]);
        var taken = await consumer.ReceiveExactlyAsync(3, Timeout);
        await consumer.SettleAsync(taken.Single(d => d.Malformed is not null), SettleAction.Reject);
        await Task.Delay(300);
        (await sweeping.Sweeper!.SweepAsync(CancellationToken.None)).Should().Be(2, "the two unsettled ones timed out");
        var restored = await consumer.ReceiveExactlyAsync(2, Timeout);
        restored.Should().OnlyContain(d => d.Redelivered);
        await consumer.SettleAllAsync(restored, SettleAction.Ack);
        var subscription = await transport.SubscribeAsync("celeryev", "worker.*", "celeryev.x");
        await transport.PublishAsync("celeryev", "worker.online", ComplianceMessages.Task());
        using (var cts = new CancellationTokenSource(Timeout)) (await subscription.ReceiveAsync(cts.Token)).Should().NotBeNull();
        var urgent = ComplianceMessages.Task();
        urgent.Properties.Priority = 9;
        await transport.PublishAsync(urgent, DeliveryInfo.ToQueue("celery"));
        await transport.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue("celery"));
        await consumer.ReceiveOneAsync(Timeout); // the step-0 one, left unacked

        var keys = (await raw.RunAsync("KEYS", "*")).AsArray().Select(k => k.AsString()!).ToList();
        keys.Should().BeEquivalentTo(prefix + "celery\u0006\u00169", prefix + "_kombu.binding.celery", prefix + "_kombu.binding.celeryev",
            prefix + "unacked", prefix + "unacked_index", prefix + "dead");
        (await Eventually.ReceiveAsync(listener.Messages, Timeout)).Channel.Should().Be(prefix + "/7.celeryev/worker.online");
        await subscription.DisposeAsync();
        await consumer.DisposeAsync();
        await raw.RunAsync("FLUSHDB");
    }
}
