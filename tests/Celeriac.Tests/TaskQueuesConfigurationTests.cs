using System.Text;
using Celeriac.Configuration;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Tests;

/// <summary><c>task_queues</c> binds from configuration with Celery's shape; queue argument types survive.</summary>
public sealed class TaskQueuesConfigurationTests
{
    private static CeleriacOptions BindJson(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return CeleriacConfiguration.Bind(new CeleriacOptions(), config);
    }

    [Fact]
    public void Celerys_task_queues_shape_binds_with_integer_arguments_staying_integers()
    {
        var o = BindJson("""
            {"task_queues": {
              "orders": {"exchange": "orders", "exchange_type": "topic", "routing_key": "orders.#",
                         "queue_arguments": {"x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "500",
                                             "x-message-ttl": 60000, "x-max-length": 10, "x-single-active-consumer": true}},
              "plain": {}
            }}
            """);

        o.TaskQueues.Should().HaveCount(2);
        var orders = o.TaskQueues.Single(q => q.Name == "orders");
        orders.ExchangeName.Should().Be("orders");
        orders.ExchangeType.Should().Be("topic");
        orders.BindingKey.Should().Be("orders.#");
        orders.Arguments["x-dead-letter-exchange"].Should().Be("dlx");
        orders.Arguments["x-dead-letter-routing-key"].Should().Be("500", "a routing key is a string even when it looks like a number");
        orders.Arguments["x-message-ttl"].Should().BeOfType<int>().Which.Should().Be(60000);
        orders.Arguments["x-max-length"].Should().Be(10);
        orders.Arguments["x-single-active-consumer"].Should().Be(true);
        var plain = o.TaskQueues.Single(q => q.Name == "plain");
        plain.ExchangeName.Should().Be("plain");
        plain.ExchangeType.Should().Be("direct");
        plain.Arguments.Should().BeEmpty();
    }

    [Fact]
    public void Dotnet_names_and_a_list_with_names_bind_too_and_a_queue_configured_twice_keeps_the_last()
    {
        var o = BindJson("""
            {"TaskQueues": [
              {"Name": "jobs", "Exchange": "work", "RoutingKey": "jobs", "Arguments": {"x-max-length": 5}},
              {"Name": "jobs", "Arguments": {"x-expires": 3000000000}}
            ]}
            """);

        var jobs = o.TaskQueues.Should().ContainSingle().Subject;
        jobs.ExchangeName.Should().Be("jobs");
        jobs.Arguments["x-expires"].Should().Be(3_000_000_000L, "beyond int32 it is a long");
    }

    [Fact]
    public void An_entry_without_a_name_says_where()
    {
        var bind = () => BindJson("""{"task_queues": [{"exchange": "x"}]}""");

        bind.Should().Throw<FormatException>().WithMessage("*task_queues*");
    }
}
