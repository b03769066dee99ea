using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// A Celeriac client (<c>SendTaskAsync</c>, <c>AsyncResult.GetAsync</c>) and a Python Celery 5.2
/// prefork worker: what we send, Python runs, and we read back exactly as Python stored it.
/// </summary>
public sealed class CeleriacClientToPythonWorkerTests(PythonWorkerCluster cluster) : IClassFixture<PythonWorkerCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly TaskSendOptions ToPython = new() { Queue = PythonWorkerCluster.Queue };
    private CeleriacApp Client => cluster.Client;

    [InteropFact]
    public async Task Add_keeps_integers_integers_and_floats_floats()
    {
        var four = await Client.SendTaskAsync("interop.add", [2, 2], options: ToPython);
        var floats = await Client.SendTaskAsync("interop.add", [1.5, 2.25], options: ToPython);
        var mixed = await Client.SendTaskAsync("interop.add", [JsonNode.Parse("2.0"), 2], options: ToPython);
        var big = await Client.SendTaskAsync("interop.add", [long.MaxValue, 1], options: ToPython);
        var xsum = await Client.SendTaskAsync("interop.xsum", [new[] { 1, 2, 3, 4 }], options: ToPython);

        (await Raw(four)).Should().Be("4");
        (await Raw(floats)).Should().Be("3.75");
        (await Raw(mixed)).Should().Be("4.0");
        (await Raw(big)).Should().Be("9223372036854775808");
        (await Raw(xsum)).Should().Be("10");
        (await four.GetAsync<long>(Timeout)).Should().Be(4);
        (await floats.GetAsync<double>(Timeout)).Should().Be(3.75);
        (await big.GetAsync<System.Numerics.BigInteger>(Timeout)).Should().Be(new System.Numerics.BigInteger(long.MaxValue) + 1);
    }

    [InteropFact]
    public async Task Typed_results_through_AsyncResult_of_T()
    {
        var sent = await Client.SendTaskAsync("interop.mul", [6, 7], options: ToPython);

        (await Client.Result<int>(sent.Id).GetAsync(Timeout)).Should().Be(42);
    }

    [InteropFact]
    public async Task Kwargs_bind_by_name()
    {
        var byName = await Client.SendTaskAsync("interop.add", kwargs: new Dictionary<string, object?> { ["y"] = 2, ["x"] = 40 }, options: ToPython);
        var mixed = await Client.SendTaskAsync("interop.add", [40], new Dictionary<string, object?> { ["y"] = 2 }, ToPython);

        (await byName.GetAsync<int>(Timeout)).Should().Be(42);
        (await mixed.GetAsync<int>(Timeout)).Should().Be(42);
    }

    [InteropFact]
    public async Task Echo_round_trips_unicode_nesting_big_integers_floats_booleans_and_nulls_exactly()
    {
        var args = JsonNode.Parse(EchoValues.Args)!.AsArray().Select(n => (object?)n?.DeepClone());
        var kwargs = JsonNode.Parse(EchoValues.Kwargs)!.AsObject().ToDictionary(p => p.Key, p => (object?)p.Value?.DeepClone());

        var sent = await Client.SendTaskAsync("interop.echo", args, kwargs, ToPython);
        var result = await sent.GetAsync(Timeout);

        JsonAssert.Difference(JsonNode.Parse(EchoValues.Expected), result).Should().BeNull("Python must echo exactly what we sent; got {0}", result?.ToJsonString());
    }

    [InteropFact]
    public async Task Countdown_runs_the_task_no_earlier_than_asked()
    {
        var sentAt = DateTime.UtcNow;
        var sent = await Client.SendTaskAsync("interop.add", [1, 1], options: ToPython with { Countdown = TimeSpan.FromSeconds(1.5) });

        (await sent.GetAsync<int>(Timeout)).Should().Be(2);
        sent.Meta.DateDone.Should().NotBeNull();
        sent.Meta.DateDone!.Value.Should().BeOnOrAfter(sentAt.AddSeconds(1.5), "Python's worker honours our eta");
    }

    [InteropFact]
    public async Task Expired_task_is_revoked_by_python_and_GetAsync_throws()
    {
        var sent = await Client.SendTaskAsync("interop.add", [1, 1], options: ToPython with { Expires = DateTimeOffset.UtcNow.AddSeconds(-10) });

        var thrown = await FluentActions.Awaiting(() => sent.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();

        thrown.Which.State.Should().Be("REVOKED");
        thrown.Which.ExceptionType.Should().Be("TaskRevokedError");
        thrown.Which.ExceptionModule.Should().Be("celery.exceptions");
        thrown.Which.ExceptionMessage.Should().Be("expired");
    }

    [InteropFact]
    public async Task Every_priority_and_another_queue_reach_the_python_worker()
    {
        var sends = new List<Task<AsyncResult>>();
        foreach (var priority in new int?[] { null, 0, 2, 5, 7, 9 })
            sends.Add(Client.SendTaskAsync("interop.add", [0, priority ?? -1], options: ToPython with { Priority = priority }));
        sends.Add(Client.SendTaskAsync("interop.add", [0, 100], options: new TaskSendOptions { Queue = PythonWorkerCluster.OtherQueue }));
        sends.Add(Client.SendTaskAsync("interop.add", [0, 109], options: new TaskSendOptions { Queue = PythonWorkerCluster.OtherQueue, Priority = 9 }));

        var results = new List<int>();
        foreach (var sent in await Task.WhenAll(sends)) results.Add(await sent.GetAsync<int>(Timeout));

        results.Should().Equal(-1, 0, 2, 5, 7, 9, 100, 109);
    }

    [InteropFact]
    public async Task Progress_ends_in_the_final_state_with_its_result()
    {
        var sent = await Client.SendTaskAsync("interop.progress", [3], options: ToPython);

        (await sent.GetAsync<int>(Timeout)).Should().Be(3);
        await sent.RefreshAsync();
        sent.State.Should().Be("SUCCESS");
        sent.Info!.ToJsonString().Should().Be("3");
    }

    [InteropFact]
    public async Task Progress_meta_written_by_python_is_readable()
    {
        // What a Python task's update_state stores mid-run, as a monitoring client sees it.
        var id = Guid.NewGuid().ToString();
        await cluster.PythonClient.StoreStateAsync(id, "PROGRESS", """{"current": 2, "total": 5}""");

        var result = await Client.Result(id).RefreshAsync();

        result.State.Should().Be("PROGRESS");
        result.Info!.ToJsonString().Should().Be("""{"current":2,"total":5}""");
        result.IsReady.Should().BeFalse();
    }

    [InteropFact]
    public async Task Retry_retries_on_the_python_worker_until_the_count()
    {
        var sent = await Client.SendTaskAsync("interop.retry", [3], options: ToPython);

        (await sent.GetAsync<int>(Timeout)).Should().Be(3);
    }

    [InteropFact]
    public async Task Python_ValueError_reaches_us_with_type_module_message_and_traceback()
    {
        var sent = await Client.SendTaskAsync("interop.fail", ["boom"], options: ToPython);

        var thrown = await FluentActions.Awaiting(() => sent.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();

        thrown.Which.State.Should().Be("FAILURE");
        thrown.Which.ExceptionType.Should().Be("ValueError");
        thrown.Which.ExceptionModule.Should().Be("builtins");
        thrown.Which.ExceptionMessage.Should().Be("boom");
        thrown.Which.RemoteTraceback.Should().NotBeNullOrWhiteSpace().And.Contain("ValueError: boom");
        sent.IsFailed.Should().BeTrue();
        sent.Failure!.Type.Should().Be("ValueError");
    }

    [InteropFact]
    public async Task Unicode_failure_message_survives()
    {
        var sent = await Client.SendTaskAsync("interop.fail", ["bööm ✓ 🎉"], options: ToPython);

        var thrown = await FluentActions.Awaiting(() => sent.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();

        thrown.Which.ExceptionMessage.Should().Be("bööm ✓ 🎉");
    }

    [InteropFact]
    public async Task Task_unknown_to_python_is_NotRegistered()
    {
        var sent = await Client.SendTaskAsync("interop.only_in_celeriac", [1], options: ToPython);

        var thrown = await FluentActions.Awaiting(() => sent.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();

        thrown.Which.ExceptionType.Should().Be("NotRegistered");
        thrown.Which.ExceptionMessage.Should().Contain("interop.only_in_celeriac");
    }

    [InteropFact]
    public async Task Task_only_python_has_runs_by_name()
    {
        var sent = await Client.SendTaskAsync("py.hostname", options: ToPython);

        (await sent.GetAsync<string>(Timeout)).Should().StartWith("py-");
    }

    [InteropFact]
    public async Task Our_soft_time_limit_header_is_honoured_by_python()
    {
        var sent = await Client.SendTaskAsync("interop.sleep", [10], options: ToPython with { SoftTimeLimit = TimeSpan.FromSeconds(0.5) });

        var thrown = await FluentActions.Awaiting(() => sent.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();

        thrown.Which.ExceptionType.Should().Be("SoftTimeLimitExceeded");
    }

    [InteropFact]
    public async Task A_one_megabyte_argument_round_trips()
    {
        var big = string.Concat(Enumerable.Repeat("0123456789abcdé✓🎉", 1 << 16));

        var sent = await Client.SendTaskAsync("interop.echo", [big], options: ToPython);

        (await sent.GetAsync(Timeout))!["args"]![0]!.GetValue<string>().Should().Be(big);
    }

    private static async Task<string> Raw(AsyncResult result) => (await result.GetAsync(Timeout))!.ToJsonString();
}
