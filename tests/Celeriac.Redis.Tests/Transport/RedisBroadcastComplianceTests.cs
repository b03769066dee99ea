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
}
