using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Transport;
using static Celeriac.RabbitMQ.Tests.Transport.RabbitMqTestTransports;

namespace Celeriac.RabbitMQ.Tests.Connection;

/// <summary><c>amqps://</c> against a rabbitmq-server TLS listener with an openssl-made certificate.</summary>
public sealed class AmqpTlsTests
{
    [RabbitMqFact]
    public async Task Amqps_with_the_private_ca_round_trips_and_an_untrusted_certificate_is_refused()
    {
        var directory = Directory.CreateTempSubdirectory("celeriac-amqps-").FullName;
        try
        {
            var tls = await TlsFiles.CreateAsync(directory);
            var tlsPort = FreePort.Pick();
            await using var server = await RabbitMqServer.StartAsync(new Dictionary<string, string>
            {
                ["listeners.ssl.1"] = $"127.0.0.1:{tlsPort}",
                ["ssl_options.cacertfile"] = tls.CertificatePath,
                ["ssl_options.certfile"] = tls.CertificatePath,
                ["ssl_options.keyfile"] = tls.KeyPath,
                ["ssl_options.verify"] = "verify_none",
                ["ssl_options.fail_if_no_peer_cert"] = "false",
            });
            var url = $"amqps://guest:guest@127.0.0.1:{tlsPort}/?ssl_ca_certs={Uri.EscapeDataString(tls.CertificatePath)}";

            await using (var transport = Create(url))
            {
                var queue = NewQueue("tls");
                await transport.DeclareQueueAsync(queue);
                var sent = NewTask();
                await transport.PublishAsync(sent, DeliveryInfo.ToQueue(queue));
                await using var consumer = await transport.ConsumeAsync([queue]);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var got = await consumer.ReceiveAsync(1, cts.Token);
                IdOf(got.Single().Message!).Should().Be(IdOf(sent));
            }

            await using (var untrusted = Create($"amqps://guest:guest@127.0.0.1:{tlsPort}/?connect_timeout=5"))
            {
                var declaring = async () => await untrusted.DeclareQueueAsync("never");
                (await declaring.Should().ThrowAsync<AmqpConnectException>()).Which.Message.Should().Contain($"127.0.0.1:{tlsPort}").And.Contain("ssl_ca_certs");
            }

            await using (var unchecked_ = Create($"amqps://guest:guest@127.0.0.1:{tlsPort}/?ssl_cert_reqs=none"))
                await unchecked_.DeclareQueueAsync(NewQueue("tls"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
