using Celeriac.Compliance;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.RabbitMQ.Transport;
using Celeriac.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.RabbitMQ.Tests.Transport;

/// <summary>The AMQP transport against the transport suite, on a real rabbitmq-server (a virtual host of this class's own).</summary>
public sealed class RabbitMqTransportComplianceTests(RabbitMqFixture rabbit) : TransportComplianceTests, IClassFixture<RabbitMqFixture>
{
    /// <summary>basic.reject(requeue=true) puts a message back at its original position, near the head.</summary>
    protected override bool RequeueGoesToTheBack => false;

    /// <summary>Messages the broker pushed ahead into the consumer's prefetch come back redelivered when its channel closes.</summary>
    protected override bool ClosingLeavesUntakenMessagesUnmarked => false;

    /// <inheritdoc />
    private protected override ValueTask<ITransport> CreateTransportAsync() =>
        ValueTask.FromResult<ITransport>(new RabbitMqTransport(new ProviderContext(new Uri(rabbit.Url), new CeleriacOptions { BrokerUrl = rabbit.Url }, NullLoggerFactory.Instance)));
}
