using Celeriac.Control.Mailbox.Commands;

namespace Celeriac.Tests.Control;

/// <summary>
/// <c>active_queues</c> describes a queue as kombu's <c>Queue.as_dict</c> does for the app's settings: its
/// <c>task_queues</c> exchange, key and arguments, and <c>x-max-priority</c> when <c>task_queue_max_priority</c> is set
/// (Celery's <c>Queues._set_max_priority</c>), so the reply matches a Python worker's on the same settings.
/// </summary>
public sealed class ActiveQueuesDescribeTests
{
    [Fact]
    public void A_plain_queue_has_no_arguments_and_its_own_direct_exchange()
    {
        var queue = QueueCommands.Describe("celery", new CeleriacOptions());

        queue["queue_arguments"].Should().BeNull();
        queue["exchange"]!["name"]!.GetValue<string>().Should().Be("celery");
        queue["routing_key"]!.GetValue<string>().Should().Be("celery");
    }

    [Fact]
    public void Max_priority_and_task_queues_settings_are_described()
    {
        var options = new CeleriacOptions { TaskQueueMaxPriority = 10 };
        var orders = new TaskQueue("orders") { Exchange = "shop", ExchangeType = "topic", RoutingKey = "orders.#" };
        orders.Arguments["x-dead-letter-exchange"] = "dlx";
        options.TaskQueues.Add(orders);

        var plain = QueueCommands.Describe("celery", options);
        var configured = QueueCommands.Describe("orders", options);

        plain["queue_arguments"]!.ToJsonString().Should().Be("""{"x-max-priority":10}""");
        configured["queue_arguments"]!.ToJsonString().Should().Be("""{"x-dead-letter-exchange":"dlx","x-max-priority":10}""");
        (configured["exchange"]!["name"]!.GetValue<string>(), configured["exchange"]!["type"]!.GetValue<string>(), configured["routing_key"]!.GetValue<string>())
            .Should().Be(("shop", "topic", "orders.#"));
    }
}
