using Celeriac.Compliance;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Transport;
using static Celeriac.RabbitMQ.Tests.Transport.RabbitMqTestTransports;

namespace Celeriac.RabbitMQ.Tests.Broadcast;

/// <summary>
/// Events and remote control over AMQP against the broadcast suite, on a real rabbitmq-server (a virtual host
/// of this class's own); bindings are read from the broker with <c>rabbitmqctl list_bindings</c>.
/// </summary>
public sealed class RabbitMqBroadcastComplianceTests(RabbitMqFixture rabbit) : BroadcastComplianceTests, IClassFixture<RabbitMqFixture>
{
    /// <inheritdoc />
    private protected override ValueTask<IBroadcast> CreateBroadcastAsync() => ValueTask.FromResult<IBroadcast>(Create(rabbit.Url));

    /// <inheritdoc />
    protected override async Task<IReadOnlyCollection<(string BindingKey, string Queue)>> GetBindingsAsync(string exchange)
    {
        var rows = await rabbit.Server.ListAsync("bindings", rabbit.VirtualHost, "source_name", "routing_key", "destination_name");
        return rows.Where(r => r[0] == exchange).Select(r => (r[1], r[2])).ToList();
    }
}
