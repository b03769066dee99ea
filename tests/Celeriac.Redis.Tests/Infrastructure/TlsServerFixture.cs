namespace Celeriac.Redis.Tests.Infrastructure;

/// <summary>
/// A redis-server with only a TLS port, and the self-signed certificate it presents (made with
/// openssl in a temp dir), shared by the tests of a class. Listens on 127.0.0.1 and 127.0.0.2, an
/// address the certificate does not name.
/// </summary>
public sealed class TlsServerFixture : IAsyncLifetime
{
    private string? _directory;
    private RedisServer? _server;

    internal RedisServer Server => _server ?? throw new InvalidOperationException("The TLS redis-server was not started.");

    public async Task InitializeAsync()
    {
        var missing = ExternalTool.Find("redis-server") is null || ExternalTool.Find("openssl") is null;
        if (missing && !ExternalTool.IsCi) return; // the tests skip themselves
        try
        {
            _directory = Directory.CreateTempSubdirectory("celeriac-tls-").FullName;
            var files = await TlsFiles.CreateAsync(_directory);
            _server = await RedisServer.StartAsync(files, "--bind", "127.0.0.1", "127.0.0.2");
        }
        catch
        {
            // xunit does not call DisposeAsync when InitializeAsync fails.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        if (_directory is not null && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
