using System.Net.Sockets;

namespace Celeriac.RabbitMQ.Tests.Infrastructure;

/// <summary>The private broker the RabbitMQ tests start: it listens where it says, and a virtual host is its own.</summary>
public sealed class RabbitMqServerTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [RabbitMqFact]
    public async Task The_shared_server_listens_on_loopback_and_has_this_class_s_virtual_host()
    {
        using (var probe = new TcpClient())
            await probe.ConnectAsync("127.0.0.1", rabbit.Server.Port);
        var vhosts = await rabbit.Server.CtlAsync("list_vhosts", "--quiet", "--no-table-headers");
        vhosts.Split('\n', StringSplitOptions.TrimEntries).Should().Contain(rabbit.VirtualHost);
        rabbit.Url.Should().StartWith($"amqp://guest:guest@127.0.0.1:{rabbit.Server.Port}/");
    }
}
