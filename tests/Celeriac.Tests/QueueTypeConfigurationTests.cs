using Celeriac.Configuration;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Tests;

/// <summary>Celery 5.5's queue-type settings bind from configuration under Celery's and .NET names.</summary>
public sealed class QueueTypeConfigurationTests
{
    [Fact]
    public void Task_default_queue_type_and_the_delay_queue_type_bind()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["task_default_queue_type"] = "quorum",
            ["broker_native_delayed_delivery_queue_type"] = "classic",
            ["broker_transport_options:consumer_timeout"] = "3600",
        }).Build();

        var o = CeleriacConfiguration.Bind(new CeleriacOptions(), config);

        o.TaskDefaultQueueType.Should().Be("quorum");
        o.BrokerNativeDelayedDeliveryQueueType.Should().Be("classic");
        o.BrokerTransportOptions.Should().Contain("consumer_timeout", "3600");
        new CeleriacOptions().TaskDefaultQueueType.Should().Be("classic", "Celery's default");
        new CeleriacOptions().BrokerNativeDelayedDeliveryQueueType.Should().Be("quorum", "Celery 5.5's default");
    }

    [Fact]
    public void The_dotnet_names_bind_too()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TaskDefaultQueueType"] = "quorum",
            ["BrokerNativeDelayedDeliveryQueueType"] = "classic",
        }).Build();

        var o = CeleriacConfiguration.Bind(new CeleriacOptions(), config);

        o.TaskDefaultQueueType.Should().Be("quorum");
        o.BrokerNativeDelayedDeliveryQueueType.Should().Be("classic");
    }
}
