namespace Celeriac.Redis.Tests.Infrastructure;

/// <summary>
/// One redis-server for all tests of a class (xunit runs a class's tests one after another, and
/// classes in parallel, so each class gets its own server). Tests keep apart by key prefix.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    internal RedisServer Server => _server ?? throw new InvalidOperationException(
        "redis-server was not started: " + (ExternalTool.Find("redis-server") is null ? "it is not installed." : "see the fixture error."));

    public async Task InitializeAsync()
    {
        // Outside CI with no redis-server the tests are skipped (RedisFact), so start nothing; in CI
        // the start fails loudly and so does every test of the class.
        if (ExternalTool.Find("redis-server") is null && !ExternalTool.IsCi) return;
        _server = await RedisServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
