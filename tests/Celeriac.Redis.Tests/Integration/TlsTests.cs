using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Integration;

/// <summary>rediss:// end to end against redis-server's own TLS port, with a certificate made by openssl.</summary>
public sealed class TlsTests(TlsServerFixture fixture) : IClassFixture<TlsServerFixture>
{
    private RedisServer Server => fixture.Server;

    [RedisTlsFact]
    public async Task Rediss_with_the_ca_file_validates_the_certificate_and_works()
    {
        var url = Server.Url(host: "localhost", query: "ssl_ca_certs=" + Uri.EscapeDataString(Server.Tls!.CertificatePath));
        await using var redis = new RedisClient(RedisConnectionOptions.Parse(url));
        await redis.ExecuteAsync(new RedisCommand("SET", "tls", "yes"));
        (await redis.ExecuteAsync(new RedisCommand("GET", "tls"))).AsString().Should().Be("yes");

        var many = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => redis.ExecuteAsync(new RedisCommand("ECHO", "m" + i)).AsTask()));
        many.Select(r => r.AsString()).Should().Equal(Enumerable.Range(0, 1000).Select(i => "m" + i));

        await using var subscriber = await redis.OpenSubscriberAsync();
        await subscriber.SubscribeAsync(["tls-channel"]);
        await redis.ExecuteAsync(new RedisCommand("PUBLISH", "tls-channel", "secret"));
        (await Eventually.ReceiveAsync(subscriber.Messages, TimeSpan.FromSeconds(5))).Payload.Should().Be("secret");
    }

    [RedisTlsFact]
    public async Task Ssl_cert_reqs_none_skips_validation()
    {
        await using var redis = new RedisClient(RedisConnectionOptions.Parse(Server.Url(query: "ssl_cert_reqs=none")));
        (await redis.ExecuteAsync(new RedisCommand("PING"))).AsString().Should().Be("PONG");
    }

    [RedisTlsFact]
    public async Task An_untrusted_certificate_is_refused_with_a_reason()
    {
        await using var redis = new RedisClient(RedisConnectionOptions.Parse(Server.Url(host: "localhost")));
        var act = () => redis.ConnectAsync();
        (await act.Should().ThrowAsync<RedisConnectionException>()).Which.Message
            .Should().StartWith($"TLS handshake with Redis at localhost:{Server.Port} failed: the certificate chain is not trusted");
    }

    [RedisTlsFact]
    public async Task A_certificate_for_another_name_is_refused()
    {
        // The certificate is for localhost and 127.0.0.1; 127.0.0.2 reaches the same server.
        var url = $"rediss://127.0.0.2:{Server.Port}/0?ssl_ca_certs={Uri.EscapeDataString(Server.Tls!.CertificatePath)}";
        await using var redis = new RedisClient(RedisConnectionOptions.Parse(url));
        var act = () => redis.ConnectAsync();
        var error = (await act.Should().ThrowAsync<RedisConnectionException>()).Which;
        error.Message.Should().Contain("is not issued for '127.0.0.2'");
    }

    [RedisTlsFact]
    public async Task Plain_redis_against_a_tls_port_fails_clearly()
    {
        var url = $"redis://127.0.0.1:{Server.Port}/0?socket_connect_timeout=1";
        await using var redis = new RedisClient(RedisConnectionOptions.Parse(url));
        var act = () => redis.ConnectAsync();
        (await act.Should().ThrowAsync<RedisConnectionException>()).Which.Message.Should().Contain($"127.0.0.1:{Server.Port}");
    }
}
