using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>The dashboard's queue details: the depth of each of kombu's priority lists, with custom steps and a key prefix.</summary>
public sealed class QueueDetailsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [RedisFact]
    public async Task Each_priority_step_is_counted_in_its_own_list()
    {
        const int database = 8;
        await using var raw = TestTransports.Client(redis.Server, database);
        await raw.RunAsync("FLUSHDB");
        var options = new Dictionary<string, string> { ["global_keyprefix"] = "app:", ["priority_steps"] = "[0, 5]" };
        await using var transport = TestTransports.Create(redis.Server, options, database);
        await transport.DeclareQueueAsync("work");
        foreach (var priority in new int?[] { null, 4, 5, 9, 9 })
        {
            var message = ComplianceMessages.Task();
            message.Properties.Priority = priority;
            await transport.PublishAsync(message, DeliveryInfo.ToQueue("work"));
        }

        var details = await ((IQueueDetails)transport).GetQueueDetailsAsync("work");
        var empty = await ((IQueueDetails)transport).GetQueueDetailsAsync("nothing-here");

        details.Messages.Should().Be(5).And.Be(await transport.GetQueueDepthAsync("work"));
        details.ByPriority.Should().Equal(new Dictionary<int, long> { [0] = 2, [5] = 3 });
        details.Consumers.Should().BeNull("Redis keeps no consumer count");
        empty.Messages.Should().Be(0);
        empty.ByPriority!.Values.Should().AllBeEquivalentTo(0L);
        await raw.RunAsync("FLUSHDB");
    }
}
