using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Transport;

namespace Celeriac.RabbitMQ.Tests.Connection;

/// <summary>Broker URLs read as kombu reads them, and the RabbitMQ keys of broker_transport_options.</summary>
public sealed class AmqpSettingsTests
{
    [Theory]
    [InlineData("amqp://h//", "/")]
    [InlineData("amqp://h/", "/")]
    [InlineData("amqp://h", "/")]
    [InlineData("amqp://h/%2F", "/")]
    [InlineData("amqp://h/app", "app")]
    [InlineData("amqp://h/my%2Fvhost", "my/vhost")]
    public void The_path_is_the_virtual_host(string url, string vhost) => AmqpSettings.Parse(url).VirtualHost.Should().Be(vhost);

    [Fact]
    public void User_password_host_and_port_come_from_the_url_and_default_as_kombu_defaults_them()
    {
        var given = AmqpSettings.Parse("amqp://u%40x:p%3Aw@rabbit.local:5673/v");
        (given.UserName, given.Password, given.Host, given.Port, given.UseTls).Should().Be(("u@x", "p:w", "rabbit.local", 5673, false));

        var plain = AmqpSettings.Parse("pyamqp://localhost");
        (plain.UserName, plain.Password, plain.Port).Should().Be(("guest", "guest", 5672));
        AmqpSettings.Parse("amqps://h/").Should().Match<AmqpSettings>(s => s.UseTls && s.Port == 5671);
    }

    [Fact]
    public void Heartbeat_connect_timeout_and_tls_options_are_query_options()
    {
        var settings = AmqpSettings.Parse("amqps://h/?heartbeat=10&connect_timeout=2.5&ssl_ca_certs=/ca.pem&ssl_certfile=/c.pem&ssl_keyfile=/k.pem&ssl_cert_reqs=none&ssl_server_hostname=rabbit");

        settings.Heartbeat.Should().Be(TimeSpan.FromSeconds(10));
        settings.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(2.5));
        (settings.CaCertificatesPath, settings.ClientCertificatePath, settings.ClientKeyPath, settings.ServerName).Should().Be(("/ca.pem", "/c.pem", "/k.pem", "rabbit"));
        settings.SkipCertificateValidation.Should().BeTrue();
        AmqpSettings.Parse("amqps://h/?ssl_cert_reqs=CERT_REQUIRED").SkipCertificateValidation.Should().BeFalse();
    }

    [Theory]
    [InlineData("redis://h/")]
    [InlineData("amqp://h/?heartbeat=soon")]
    [InlineData("amqp://h/?ssl_cert_reqs=maybe")]
    public void Malformed_urls_are_refused(string url) => ((Action)(() => AmqpSettings.Parse(url))).Should().Throw<FormatException>();

    [Fact]
    public void The_password_never_shows()
    {
        AmqpSettings.Parse("amqp://u:secret@h:1/v").ToString().Should().NotContain("secret").And.Contain("u@h:1");
        AmqpSettings.Redact("amqp://u:secret@h/v").Should().Be("amqp://u:***@h/v");
    }

    [Fact]
    public void Transport_options_read_confirm_publish_confirm_timeout_and_connection_retries()
    {
        var defaults = RabbitMqTransportOptions.From(new Dictionary<string, string>());
        (defaults.ConfirmPublish, defaults.ConfirmTimeout, defaults.ConnectionMaxRetries).Should().Be((true, TimeSpan.FromSeconds(30), 100));

        var set = RabbitMqTransportOptions.From(new Dictionary<string, string> { ["confirm_publish"] = "False", ["confirm_timeout"] = "1.5", ["connection_max_retries"] = "0" });
        (set.ConfirmPublish, set.ConfirmTimeout, set.ConnectionMaxRetries).Should().Be((false, TimeSpan.FromSeconds(1.5), 0));
        ((Action)(() => RabbitMqTransportOptions.From(new Dictionary<string, string> { ["confirm_timeout"] = "-1" }))).Should().Throw<FormatException>();
    }
}
