namespace Celeriac.RabbitMQ.Tests.Infrastructure;

/// <summary>
/// A virtual host of its own on the test process's shared rabbitmq-server, for the tests of one
/// class (xunit runs a class's tests one after another, classes in parallel). Tests that stop the
/// broker or change its configuration start a private <see cref="RabbitMqServer"/> instead.
/// </summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private RabbitMqServer? _server;

    internal RabbitMqServer Server => _server ?? throw new InvalidOperationException(
        "rabbitmq-server was not started: " + (RabbitMqServer.FindBinary() is null ? "it is not installed." : "see the fixture error."));

    /// <summary>This class's virtual host.</summary>
    public string VirtualHost { get; private set; } = "/";

    /// <summary>The broker URL for this class's virtual host.</summary>
    public string Url => Server.Url(VirtualHost);

    public async Task InitializeAsync()
    {
        // Outside CI with no server the tests are skipped (RabbitMqFact): start nothing. In CI the
        // start fails loudly and so does every test of the class.
        if (RabbitMqServer.SkipReason() is not null) return;
        _server = await RabbitMqServer.SharedAsync();
        VirtualHost = await _server.CreateVirtualHostAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null && VirtualHost != "/")
        {
            try
            {
                await _server.CtlAsync("delete_vhost", VirtualHost);
            }
            catch (InvalidOperationException)
            {
                // Best effort: the shared server dies with the test process anyway.
            }
        }
    }
}
