namespace Celeriac.Redis.Tests;

public sealed class RedisConnectionOptionsTests
{
    [Fact]
    public void Defaults_to_localhost_6379_db_0_without_tls()
    {
        var options = RedisConnectionOptions.Parse("redis://");
        options.Host.Should().Be("localhost");
        options.Port.Should().Be(6379);
        options.Database.Should().Be(0);
        options.UseTls.Should().BeFalse();
        options.UserName.Should().BeNull();
        options.Password.Should().BeNull();
        options.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(5));
        options.SocketTimeout.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("redis://localhost:6379/0", "localhost", 6379, 0)]
    [InlineData("redis://10.0.0.5/3", "10.0.0.5", 6379, 3)]
    [InlineData("redis://cache.example:6380", "cache.example", 6380, 0)]
    [InlineData("redis://cache.example:6380/", "cache.example", 6380, 0)]
    [InlineData("REDIS://Cache:1/15", "Cache", 1, 15)]
    [InlineData("redis://[::1]:7000/2", "::1", 7000, 2)]
    [InlineData("redis://[::1]", "::1", 6379, 0)]
    [InlineData("redis://h/1?db=4", "h", 6379, 4)]
    public void Reads_host_port_and_database(string url, string host, int port, int database)
    {
        var options = RedisConnectionOptions.Parse(url);
        options.Host.Should().Be(host);
        options.Port.Should().Be(port);
        options.Database.Should().Be(database);
    }

    [Theory]
    [InlineData("redis://:secret@h", null, "secret")]
    [InlineData("redis://worker:secret@h", "worker", "secret")]
    [InlineData("redis://worker@h", "worker", null)]
    [InlineData("redis://worker:@h", "worker", "")]
    [InlineData("redis://:p%40ss%3Aw%2Frd%25@h", null, "p@ss:w/rd%")]
    [InlineData("redis://:p@ss@h", null, "p@ss")]
    [InlineData("redis://us%20er:a+b@h", "us er", "a+b")]
    public void Reads_and_unescapes_credentials(string url, string? user, string? password)
    {
        var options = RedisConnectionOptions.Parse(url);
        options.UserName.Should().Be(user);
        options.Password.Should().Be(password);
        options.Host.Should().Be("h");
    }

    [Fact]
    public void Rediss_turns_on_tls_and_reads_tls_options()
    {
        var options = RedisConnectionOptions.Parse("rediss://h:6380/1?ssl_cert_reqs=none&ssl_ca_certs=%2Fetc%2Fca.pem");
        options.UseTls.Should().BeTrue();
        options.SkipCertificateValidation.Should().BeTrue();
        options.CaCertificatesPath.Should().Be("/etc/ca.pem");
        RedisConnectionOptions.Parse("rediss://h?ssl_cert_reqs=CERT_REQUIRED").SkipCertificateValidation.Should().BeFalse();
    }

    [Fact]
    public void Reads_timeouts_in_seconds_like_redis_py()
    {
        var options = RedisConnectionOptions.Parse("redis://h?socket_timeout=2.5&socket_connect_timeout=0.2&client_name=w1&health_check_interval=10");
        options.SocketTimeout.Should().Be(TimeSpan.FromSeconds(2.5));
        options.ConnectTimeout.Should().Be(TimeSpan.FromMilliseconds(200));
        options.ClientName.Should().Be("w1");
    }

    [Theory]
    [InlineData("localhost:6379", "must start with redis:// or rediss://")]
    [InlineData("http://h", "unsupported scheme 'http'")]
    [InlineData("unix:///tmp/redis.sock", "Unix socket URLs are not supported")]
    [InlineData("redis://h:abc/0", "port 'abc' is not a number between 1 and 65535")]
    [InlineData("redis://h:70000", "port '70000' is not a number between 1 and 65535")]
    [InlineData("redis://h:0", "port '0'")]
    [InlineData("redis://h/zero", "database 'zero' is not a number")]
    [InlineData("redis://h/-1", "database '-1' is not a number")]
    [InlineData("redis://[::1:6379", "no closing ']'")]
    [InlineData("redis://::1:6379", "IPv6 address in brackets")]
    [InlineData("redis://h?socket_timeout=soon", "socket_timeout 'soon' is not a positive number of seconds")]
    [InlineData("redis://h?socket_connect_timeout=-1", "socket_connect_timeout '-1'")]
    [InlineData("rediss://h?ssl_cert_reqs=maybe", "ssl_cert_reqs 'maybe'")]
    public void A_malformed_url_names_the_problem(string url, string problem)
    {
        var act = () => RedisConnectionOptions.Parse(url);
        act.Should().Throw<FormatException>().Which.Message.Should().StartWith("Invalid Redis URL: ").And.Contain(problem);
    }

    [Fact]
    public void Errors_and_ToString_never_show_the_password()
    {
        var act = () => RedisConnectionOptions.Parse("redis://u:hunter2@h:bad/0");
        act.Should().Throw<FormatException>().Which.Message.Should().NotContain("hunter2");

        var options = RedisConnectionOptions.Parse("rediss://u:hunter2@h:6380/2");
        options.ToString().Should().Be("rediss://u:***@h:6380/2");
        RedisConnectionOptions.Parse("redis://[::1]").ToString().Should().Be("redis://[::1]:6379/0");
    }

    [Fact]
    public void Options_can_be_built_in_code_and_are_validated()
    {
        var options = new RedisConnectionOptions { Host = "h", Port = 1234 } with { SocketTimeout = TimeSpan.FromSeconds(1) };
        options.EndPoint.Should().Be("h:1234");
        var badPort = () => new RedisConnectionOptions { Port = 0 };
        badPort.Should().Throw<ArgumentOutOfRangeException>();
        var badTimeout = () => new RedisConnectionOptions { SocketTimeout = TimeSpan.Zero };
        badTimeout.Should().Throw<ArgumentOutOfRangeException>();
    }
}
