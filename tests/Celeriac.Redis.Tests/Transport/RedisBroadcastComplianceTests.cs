using Celeriac.Compliance;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Redis.Transport;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>Redis fanout (PUBLISH / PSUBSCRIBE and <c>_kombu.binding.*</c>) against the broadcast suite.</summary>
public sealed class RedisBroadcastComplianceTests(RedisServerFixture redis) : BroadcastComplianceTests, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = TestTransports.NewPrefix();
    private RedisTransport? _transport;

    /// <inheritdoc />
    private protected override ValueTask<IBroadcast> CreateBroadcastAsync() =>
        ValueTask.FromResult<IBroadcast>(_transport = TestTransports.Create(redis.Server, _prefix));

    /// <inheritdoc />
    protected override async Task<IReadOnlyCollection<(string BindingKey, string Queue)>> GetBindingsAsync(string exchange)
    {
        var members = await _transport!.Client.RunAsync("SMEMBERS", _transport.Layout.BindingKey(exchange));
        return members.AsArray()
            .Select(m => _transport.Layout.ParseBindingMember(m.AsString()!)!.Value)
            .Select(b => (b.RoutingKey, b.Queue))
            .ToList();
    }

    [Fact]
    public async Task Disposing_a_reply_queue_deletes_its_lists_with_unread_replies()
    {
        var exchange = NewExchangeName();
        var queue = await Broadcast.OpenDirectQueueAsync(exchange, "oid-left", "oid-left.reply.celery.pidbox");
        await Broadcast.SendDirectAsync(exchange, "oid-left", Event("unread"));
        (await _transport!.Client.RunAsync("LLEN", _transport.Layout.QueueKey("oid-left.reply.celery.pidbox"))).AsInt64().Should().Be(1);

        await queue.DisposeAsync();

        foreach (var key in _transport.Layout.QueueKeys("oid-left.reply.celery.pidbox"))
            (await _transport.Client.RunAsync("EXISTS", key)).AsInt64().Should().Be(0, $"{key} is deleted");
    }
}
