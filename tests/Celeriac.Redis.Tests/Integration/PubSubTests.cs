using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Integration;

public sealed class PubSubTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly string _prefix = $"ps:{Guid.NewGuid():N}:";

    [RedisFact]
    public async Task Delivers_messages_for_subscribed_channels_in_order()
    {
        await using var redis = new RedisClient(fixture.Server.Options());
        await using var subscriber = await redis.OpenSubscriberAsync();
        await subscriber.SubscribeAsync([_prefix + "a", _prefix + "b"]);

        (await redis.ExecuteAsync(new RedisCommand("PUBLISH", _prefix + "a", "one"))).AsInt64().Should().Be(1);
        await redis.ExecuteAsync(new RedisCommand("PUBLISH", _prefix + "b", new byte[] { 0xE2, 0x9C, 0x93 }));
        await redis.ExecuteAsync(new RedisCommand("PUBLISH", _prefix + "a", "three"));

        (await Eventually.ReceiveAsync(subscriber.Messages, Wait)).Should().Be(new RedisMessageAssert(_prefix + "a", null, "one"));
        (await Eventually.ReceiveAsync(subscriber.Messages, Wait)).Should().Be(new RedisMessageAssert(_prefix + "b", null, "✓"));
        (await Eventually.ReceiveAsync(subscriber.Messages, Wait)).Should().Be(new RedisMessageAssert(_prefix + "a", null, "three"));
    }

    [RedisFact]
    public async Task Pattern_subscriptions_report_the_pattern_and_the_channel()
    {
        await using var redis = new RedisClient(fixture.Server.Options());
        await using var subscriber = await redis.OpenSubscriberAsync();
        await subscriber.PatternSubscribeAsync([_prefix + "ev.*"]);

        await redis.ExecuteAsync(new RedisCommand("PUBLISH", _prefix + "ev.task-succeeded", "{}"));
        (await Eventually.ReceiveAsync(subscriber.Messages, Wait))
            .Should().Be(new RedisMessageAssert(_prefix + "ev.task-succeeded", _prefix + "ev.*", "{}"));
    }

    [RedisFact]
    public async Task Unsubscribing_stops_delivery()
    {
        await using var redis = new RedisClient(fixture.Server.Options());
        await using var subscriber = await redis.OpenSubscriberAsync();
        await subscriber.SubscribeAsync([_prefix + "x"]);
        await subscriber.PatternSubscribeAsync([_prefix + "p*"]);
        (await redis.ExecuteAsync(new RedisCommand("PUBLISH", _prefix + "x", "1"))).AsInt64().Should().Be(1);

        await subscriber.UnsubscribeAsync([_prefix + "x"]);
        await subscriber.PatternUnsubscribeAsync([_prefix + "p*"]);
        (await redis.ExecuteAsync(new RedisCommand("PUBLISH", _prefix + "x", "2"))).AsInt64().Should().Be(0);
        (await redis.ExecuteAsync(new RedisCommand("PUBLISH", _prefix + "p1", "3"))).AsInt64().Should().Be(0);

        (await Eventually.ReceiveAsync(subscriber.Messages, Wait)).Payload.Should().Be("1");
        subscriber.Messages.TryRead(out _).Should().BeFalse();
    }

    [RedisFact]
    public async Task Disposing_the_subscriber_completes_the_message_channel()
    {
        await using var redis = new RedisClient(fixture.Server.Options());
        var subscriber = await redis.OpenSubscriberAsync();
        await subscriber.SubscribeAsync([_prefix + "bye"]);
        await subscriber.DisposeAsync();
        await subscriber.Messages.Completion.WaitAsync(Wait);
        var act = () => subscriber.SubscribeAsync([_prefix + "again"]);
        await act.Should().ThrowAsync<ObjectDisposedException>();
    }
}
