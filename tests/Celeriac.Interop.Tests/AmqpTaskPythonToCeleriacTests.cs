using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Over RabbitMQ: Python Celery 5.2 as the client (python/client.py, py-amqp) and the Celeriac
/// InteropWorker as the worker, results in Redis. Each test checks several things in one round
/// so the AMQP suite stays short.
/// </summary>
public sealed class AmqpTaskPythonToCeleriacTests(AmqpCeleriacWorkerCluster cluster) : IClassFixture<AmqpCeleriacWorkerCluster>
{
    private const string Queue = AmqpCeleriacWorkerCluster.Queue;
    private PythonClient Python => cluster.PythonClient;

    [AmqpInteropFact]
    public async Task Args_kwargs_big_integers_and_unicode_round_trip_exactly()
    {
        var (ids, _) = await Python.SendAsync(
            new { name = "interop.add", args = new object[] { 2, 2 }, queue = Queue },
            new { name = "interop.add", args = new object[] { 1.5, 2.25 }, queue = Queue },
            new { name = "interop.add", args = new object[] { long.MaxValue, 1 }, queue = Queue },
            new { name = "interop.add", kwargs = new { y = 2, x = 40 }, queue = Queue });
        var echo = await Python.SendOneAsync(new JsonObject
        {
            ["name"] = "interop.echo",
            ["args"] = JsonNode.Parse(EchoValues.Args),
            ["kwargs"] = JsonNode.Parse(EchoValues.Kwargs),
            ["queue"] = Queue,
        });

        (await Python.GetAsync(ids)).Select(Repr).Should().Equal("4", "3.75", "9223372036854775808", "42");
        var echoed = await Python.GetOneAsync(echo, expectJson: EchoValues.Expected);
        echoed["matches"]?.GetValue<bool>().Should().BeTrue("Python must get back exactly what it sent; {0}", Describe(echoed));
    }

    [AmqpInteropFact]
    public async Task Countdown_waits_past_expiry_is_REVOKED_and_a_future_expiry_runs()
    {
        var (countdown, sentAt) = await Python.SendAsync(new { name = "interop.add", args = new object[] { 1, 1 }, countdown = 1.5, queue = Queue });
        var expired = await Python.SendOneAsync(new { name = "interop.add", args = new object[] { 1, 1 }, expires = -10, queue = Queue });
        var future = await Python.SendOneAsync(new { name = "interop.add", args = new object[] { 5, 5 }, expires = 60, queue = Queue });

        var results = await Python.GetAsync([countdown.Single(), expired, future]);

        Repr(results[0]).Should().Be("2");
        results[0]["date_done"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(sentAt + 1.5, "the eta is send time + countdown");
        results[1]["state"]!.GetValue<string>().Should().Be("REVOKED", Describe(results[1]));
        results[1]["exception"]!["type"]!.GetValue<string>().Should().Be("TaskRevokedError");
        results[1]["exception"]!["message"]!.GetValue<string>().Should().Be("expired");
        Repr(results[2]).Should().Be("10");
    }

    [AmqpInteropFact]
    public async Task Every_priority_up_to_the_queue_maximum_and_another_queue_are_consumed()
    {
        var (ids, _) = await Python.SendAsync(
            new { name = "interop.add", args = new object[] { 0, 1 }, priority = 0, queue = Queue },
            new { name = "interop.add", args = new object[] { 0, 2 }, priority = 5, queue = Queue },
            new { name = "interop.add", args = new object[] { 0, 3 }, priority = AmqpInteropCluster.MaxPriority, queue = Queue },
            new { name = "interop.add", args = new object[] { 0, 4 }, queue = AmqpCeleriacWorkerCluster.OtherQueue },
            new { name = "interop.add", args = new object[] { 0, 5 }, priority = 9, queue = AmqpCeleriacWorkerCluster.OtherQueue });

        (await Python.GetAsync(ids)).Select(Repr).Should().Equal("1", "2", "3", "4", "5");
        var queues = await cluster.Rabbit.ListAsync("queues", cluster.VirtualHost, "name", "arguments");
        queues.Where(q => q[0] is Queue or AmqpCeleriacWorkerCluster.OtherQueue).Should().HaveCount(2)
            .And.OnlyContain(q => q[1].Contains("x-max-priority") && q[1].Contains(AmqpInteropCluster.MaxPriority.ToString()));
    }

    [AmqpInteropFact]
    public async Task Failures_keep_type_and_message_and_an_unknown_task_is_NotRegistered()
    {
        var failed = await Python.SendOneAsync(new { name = "interop.fail", args = new object[] { "boom: ünïcode ✓" }, queue = Queue });
        var unknown = await Python.SendOneAsync(new { name = "interop.only_in_python", args = new object[] { 1 }, queue = Queue });

        var results = await Python.GetAsync([failed, unknown]);

        results[0]["state"]!.GetValue<string>().Should().Be("FAILURE", Describe(results[0]));
        results[0]["exception"]!["type"]!.GetValue<string>().Should().Be("InvalidOperationException");
        results[0]["exception"]!["message"]!.GetValue<string>().Should().Be("boom: ünïcode ✓");
        results[1]["state"]!.GetValue<string>().Should().Be("FAILURE", Describe(results[1]));
        results[1]["exception"]!["type"]!.GetValue<string>().Should().Be("NotRegistered");
        results[1]["exception"]!["message"]!.GetValue<string>().Should().Contain("interop.only_in_python");
    }

    private string Repr(JsonObject outcome)
    {
        ((string?)outcome["state"]).Should().Be("SUCCESS", Describe(outcome));
        return outcome["repr"]!.GetValue<string>();
    }

    private string Describe(JsonObject outcome) => $"Python saw {Celeriac.Protocol.Json.CeleryJson.ToJsonString(outcome)}\n{cluster.Worker.Describe()}";
}
