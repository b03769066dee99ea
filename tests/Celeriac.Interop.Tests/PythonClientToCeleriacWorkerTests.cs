using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Python Celery 5.2 as the client (<c>send_task</c> / <c>AsyncResult.get()</c>, python/client.py)
/// and the Celeriac InteropWorker as the worker: what Python sends, ours runs, and Python reads
/// back exactly as it would from a Python worker.
/// </summary>
public sealed class PythonClientToCeleriacWorkerTests(CeleriacWorkerCluster cluster) : IClassFixture<CeleriacWorkerCluster>
{
    private const string Queue = CeleriacWorkerCluster.Queue;
    private PythonClient Python => cluster.PythonClient;

    [InteropFact]
    public async Task Add_keeps_integers_integers_and_floats_floats()
    {
        var (ids, _) = await Python.SendAsync(
            new { name = "interop.add", args = new object[] { 2, 2 }, queue = Queue },
            new { name = "interop.add", args = new object[] { 1.5, 2.25 }, queue = Queue },
            // 2.0 as JSON text: System.Text.Json would write the double 2.0 as 2.
            new { name = "interop.add", args = new object[] { JsonNode.Parse("2.0")!, 2 }, queue = Queue },
            new { name = "interop.add", args = new object[] { long.MaxValue, 1 }, queue = Queue },
            new { name = "interop.mul", args = new object[] { 6, 7 }, queue = Queue },
            new { name = "interop.xsum", args = new object[] { new[] { 1, 2, 3, 4 } }, queue = Queue });

        var results = await Python.GetAsync(ids);

        results.Select(r => Repr(r)).Should().Equal("4", "3.75", "4.0", "9223372036854775808", "42", "10");
    }

    [InteropFact]
    public async Task Kwargs_bind_by_name()
    {
        var (ids, _) = await Python.SendAsync(
            new { name = "interop.add", kwargs = new { y = 2, x = 40 }, queue = Queue },
            new { name = "interop.add", args = new object[] { 40 }, kwargs = new { y = 2 }, queue = Queue });

        var results = await Python.GetAsync(ids);

        results.Select(r => Repr(r)).Should().Equal("42", "42");
    }

    [InteropFact]
    public async Task Echo_round_trips_unicode_nesting_big_integers_floats_booleans_and_nulls_exactly()
    {
        var id = await Python.SendOneAsync(new JsonObject
        {
            ["name"] = "interop.echo",
            ["args"] = JsonNode.Parse(EchoValues.Args),
            ["kwargs"] = JsonNode.Parse(EchoValues.Kwargs),
            ["queue"] = Queue,
        });

        var result = await Python.GetOneAsync(id, expectJson: EchoValues.Expected);

        result["state"]!.GetValue<string>().Should().Be("SUCCESS", Describe(result));
        result["matches"]!.GetValue<bool>().Should().BeTrue("Python must get back exactly what it sent (types included), got {0}", result["repr"]);
    }

    [InteropFact]
    public async Task NaN_and_infinities_from_Python_reach_tasks_and_come_back_as_Python_floats()
    {
        var ids = await Python.SendJsonAsync($$"""
            [{"name": "interop.mul", "args": [NaN, 2.0], "queue": "{{Queue}}"},
             {"name": "interop.add", "args": [Infinity, 1.5], "queue": "{{Queue}}"},
             {"name": "interop.echo", "args": [NaN, -Infinity, "NaN"], "kwargs": {"x": Infinity}, "queue": "{{Queue}}"}]
            """);

        var results = await Python.GetAsync(ids);

        results.Select(r => Repr(r)).Should().Equal("nan", "inf", "{'args': [nan, -inf, 'NaN'], 'kwargs': {'x': inf}}");
    }

    [InteropFact]
    public async Task Countdown_runs_the_task_no_earlier_than_asked()
    {
        var (ids, sentAt) = await Python.SendAsync(new { name = "interop.add", args = new object[] { 1, 1 }, countdown = 1.5, queue = Queue });

        var result = await Python.GetOneAsync(ids.Single());

        Repr(result).Should().Be("2");
        result["date_done"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(sentAt + 1.5, "the eta is send time + countdown");
    }

    [InteropFact]
    public async Task Eta_in_the_past_runs_at_once()
    {
        var id = await Python.SendOneAsync(new { name = "interop.add", args = new object[] { 3, 4 }, eta_in = -60, queue = Queue });

        Repr(await Python.GetOneAsync(id)).Should().Be("7");
    }

    [InteropFact]
    public async Task Expired_task_is_not_run_and_python_get_raises_TaskRevokedError()
    {
        var id = await Python.SendOneAsync(new { name = "interop.add", args = new object[] { 1, 1 }, expires = -10, queue = Queue });

        var result = await Python.GetOneAsync(id);

        result["state"]!.GetValue<string>().Should().Be("REVOKED", Describe(result));
        result["exception"]!["type"]!.GetValue<string>().Should().Be("TaskRevokedError");
        result["exception"]!["module"]!.GetValue<string>().Should().Be("celery.exceptions");
        result["exception"]!["message"]!.GetValue<string>().Should().Be("expired");
    }

    [InteropFact]
    public async Task Future_expiry_does_not_stop_the_task()
    {
        var id = await Python.SendOneAsync(new { name = "interop.add", args = new object[] { 5, 5 }, expires = 60, queue = Queue });

        Repr(await Python.GetOneAsync(id)).Should().Be("10");
    }

    [InteropFact]
    public async Task Every_priority_and_another_queue_are_consumed()
    {
        // kombu puts priorities 1-9 on separate lists (queue\x06\x163 ...); the worker must read them all.
        var (ids, _) = await Python.SendAsync(
            new { name = "interop.add", args = new object[] { 0, 1 }, priority = 0, queue = Queue },
            new { name = "interop.add", args = new object[] { 0, 2 }, priority = 2, queue = Queue },
            new { name = "interop.add", args = new object[] { 0, 3 }, priority = 5, queue = Queue },
            new { name = "interop.add", args = new object[] { 0, 4 }, priority = 7, queue = Queue },
            new { name = "interop.add", args = new object[] { 0, 5 }, priority = 9, queue = Queue },
            new { name = "interop.add", args = new object[] { 0, 6 }, queue = CeleriacWorkerCluster.OtherQueue },
            new { name = "interop.add", args = new object[] { 0, 7 }, priority = 9, queue = CeleriacWorkerCluster.OtherQueue });

        var results = await Python.GetAsync(ids);

        results.Select(r => Repr(r)).Should().Equal("1", "2", "3", "4", "5", "6", "7");
    }

    [InteropFact]
    public async Task Progress_states_are_published_and_python_reads_the_final_state()
    {
        var watched = await Python.WatchAsync(new { name = "interop.progress", args = new object[] { 3 }, queue = Queue });

        var states = watched["states"]!.AsArray().Select(s => s!.ToJsonString()).ToList();
        states.Should().Equal(
            """{"status":"PROGRESS","result":{"current":1,"total":3}}""",
            """{"status":"PROGRESS","result":{"current":2,"total":3}}""",
            """{"status":"PROGRESS","result":{"current":3,"total":3}}""",
            """{"status":"SUCCESS","result":3}""");
        var state = await Python.StateAsync(watched["id"]!.GetValue<string>());
        state["state"]!.GetValue<string>().Should().Be("SUCCESS");
        state["info"]!.ToJsonString().Should().Be("3");
    }

    [InteropFact]
    public async Task Retry_retries_on_the_celeriac_worker_until_the_count()
    {
        var id = await Python.SendOneAsync(new { name = "interop.retry", args = new object[] { 3 }, queue = Queue });

        Repr(await Python.GetOneAsync(id)).Should().Be("3");
    }

    [InteropFact]
    public async Task Failure_reaches_python_with_its_type_name_message_and_traceback()
    {
        var id = await Python.SendOneAsync(new { name = "interop.fail", args = new object[] { "boom: ünïcode ✓" }, queue = Queue });

        var result = await Python.GetOneAsync(id);

        result["state"]!.GetValue<string>().Should().Be("FAILURE", Describe(result));
        // The worker raises InvalidOperationException; Python rebuilds a class of that name.
        result["exception"]!["type"]!.GetValue<string>().Should().Be("InvalidOperationException");
        result["exception"]!["message"]!.GetValue<string>().Should().Be("boom: ünïcode ✓");
        result["traceback"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
    }

    [InteropFact]
    public async Task Unknown_task_is_NotRegistered_in_python()
    {
        var id = await Python.SendOneAsync(new { name = "interop.only_in_python", args = new object[] { 1 }, queue = Queue });

        var result = await Python.GetOneAsync(id);

        result["state"]!.GetValue<string>().Should().Be("FAILURE", Describe(result));
        result["exception"]!["type"]!.GetValue<string>().Should().Be("NotRegistered");
        result["exception"]!["module"]!.GetValue<string>().Should().Be("celery.exceptions");
        result["exception"]!["message"]!.GetValue<string>().Should().Contain("interop.only_in_python");
    }

    [InteropFact]
    public async Task Soft_time_limit_from_python_fails_the_task_with_SoftTimeLimitExceeded()
    {
        var id = await Python.SendOneAsync(new { name = "interop.sleep", args = new object[] { 10 }, soft_time_limit = 0.5, queue = Queue });

        var result = await Python.GetOneAsync(id);

        result["state"]!.GetValue<string>().Should().Be("FAILURE", Describe(result));
        result["exception"]!["type"]!.GetValue<string>().Should().Be("SoftTimeLimitExceeded");
        result["exception"]!["module"]!.GetValue<string>().Should().Be("billiard.exceptions");
    }

    private string Repr(JsonObject outcome)
    {
        ((string?)outcome["state"]).Should().Be("SUCCESS", Describe(outcome));
        return outcome["repr"]!.GetValue<string>();
    }

    private string Describe(JsonObject outcome) => $"Python saw {Celeriac.Protocol.Json.CeleryJson.ToJsonString(outcome)}\n{cluster.Worker.Describe()}";
}
