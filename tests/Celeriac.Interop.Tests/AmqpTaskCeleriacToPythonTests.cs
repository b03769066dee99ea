using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Over RabbitMQ: a Celeriac client (<c>SendTaskAsync</c>, <c>GetAsync</c>) and a Python Celery 5.2
/// prefork worker (py-amqp), results in Redis.
/// </summary>
public sealed class AmqpTaskCeleriacToPythonTests(AmqpPythonWorkerCluster cluster) : IClassFixture<AmqpPythonWorkerCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly TaskSendOptions ToPython = new() { Queue = AmqpPythonWorkerCluster.Queue };
    private CeleriacApp Client => cluster.Client;

    [AmqpInteropFact]
    public async Task Args_kwargs_big_integers_and_unicode_round_trip_exactly()
    {
        var four = await Client.SendTaskAsync("interop.add", [2, 2], options: ToPython);
        var big = await Client.SendTaskAsync("interop.add", [long.MaxValue, 1], options: ToPython);
        var byName = await Client.SendTaskAsync("interop.add", kwargs: new Dictionary<string, object?> { ["y"] = 2, ["x"] = 40 }, options: ToPython);
        var args = JsonNode.Parse(EchoValues.Args)!.AsArray().Select(n => (object?)n?.DeepClone());
        var kwargs = JsonNode.Parse(EchoValues.Kwargs)!.AsObject().ToDictionary(p => p.Key, p => (object?)p.Value?.DeepClone());
        var echo = await Client.SendTaskAsync("interop.echo", args, kwargs, ToPython);

        (await four.GetAsync(Timeout))!.ToJsonString().Should().Be("4");
        (await big.GetAsync(Timeout))!.ToJsonString().Should().Be("9223372036854775808");
        (await byName.GetAsync<int>(Timeout)).Should().Be(42);
        var echoed = await echo.GetAsync(Timeout);
        JsonAssert.Difference(JsonNode.Parse(EchoValues.Expected), echoed).Should().BeNull("Python must echo exactly what we sent; got {0}", echoed?.ToJsonString());
    }

    [AmqpInteropFact]
    public async Task Countdown_waits_past_expiry_is_REVOKED_and_a_future_expiry_runs()
    {
        var sentAt = DateTime.UtcNow;
        var countdown = await Client.SendTaskAsync("interop.add", [1, 1], options: ToPython with { Countdown = TimeSpan.FromSeconds(1.5) });
        var expired = await Client.SendTaskAsync("interop.add", [1, 1], options: ToPython with { Expires = DateTimeOffset.UtcNow.AddSeconds(-10) });
        var future = await Client.SendTaskAsync("interop.add", [5, 5], options: ToPython with { Expires = DateTimeOffset.UtcNow.AddSeconds(60) });

        (await countdown.GetAsync<int>(Timeout)).Should().Be(2);
        countdown.Meta.DateDone!.Value.Should().BeOnOrAfter(sentAt.AddSeconds(1.5), "Python's worker honours our eta");
        var thrown = await FluentActions.Awaiting(() => expired.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();
        thrown.Which.State.Should().Be("REVOKED");
        thrown.Which.ExceptionType.Should().Be("TaskRevokedError");
        thrown.Which.ExceptionMessage.Should().Be("expired");
        (await future.GetAsync<int>(Timeout)).Should().Be(10);
    }

    [AmqpInteropFact]
    public async Task Every_priority_and_another_queue_reach_the_python_worker()
    {
        var sends = new List<Task<AsyncResult>>();
        foreach (var priority in new int?[] { null, 0, 5, AmqpInteropCluster.MaxPriority })
            sends.Add(Client.SendTaskAsync("interop.add", [0, priority ?? -1], options: ToPython with { Priority = priority }));
        sends.Add(Client.SendTaskAsync("interop.add", [0, 109], options: new TaskSendOptions { Queue = AmqpPythonWorkerCluster.OtherQueue, Priority = 9 }));

        var results = new List<int>();
        foreach (var sent in await Task.WhenAll(sends)) results.Add(await sent.GetAsync<int>(Timeout));

        results.Should().Equal(-1, 0, 5, AmqpInteropCluster.MaxPriority, 109);
    }

    [AmqpInteropFact]
    public async Task Python_ValueError_keeps_type_and_message_and_an_unknown_task_is_NotRegistered()
    {
        var failed = await Client.SendTaskAsync("interop.fail", ["bööm ✓ 🎉"], options: ToPython);
        var unknown = await Client.SendTaskAsync("interop.only_in_celeriac", [1], options: ToPython);

        var failure = await FluentActions.Awaiting(() => failed.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();
        failure.Which.ExceptionType.Should().Be("ValueError");
        failure.Which.ExceptionModule.Should().Be("builtins");
        failure.Which.ExceptionMessage.Should().Be("bööm ✓ 🎉");
        failure.Which.RemoteTraceback.Should().Contain("ValueError");
        var notRegistered = await FluentActions.Awaiting(() => unknown.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();
        notRegistered.Which.ExceptionType.Should().Be("NotRegistered");
        notRegistered.Which.ExceptionMessage.Should().Contain("interop.only_in_celeriac");
    }
}
