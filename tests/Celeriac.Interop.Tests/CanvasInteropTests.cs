using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Chains, chords and link callbacks built by Python Celery 5.2 and run by the Celeriac worker,
/// alone and taking turns with a Python worker (docs/interop.md: "routing of what the
/// worker sends itself: chain steps, chord bodies, callbacks"). The worker carries the canvas on:
/// it publishes the next chain step with the result prepended, joins chord parts in Celery's
/// Redis chord join, and sends link callbacks, each to the signature's queue.
/// </summary>
[Trait("Needs", "worker-canvas")]
public sealed class CanvasInteropTests(BothWorkersCluster cluster) : IClassFixture<BothWorkersCluster>
{
    private const string Py = BothWorkersCluster.PythonQueue;
    private const string Cx = BothWorkersCluster.CeleriacQueue;
    private const double Timeout = 8;

    [InteropFact]
    public async Task Control_a_chain_on_the_python_worker_alone_completes()
    {
        var sent = await cluster.PythonClient.CanvasAsync(new { chain = Chain(Py, Py) });

        await ShouldReturnAsync(sent, "82");
    }

    [InteropFact]
    public async Task Chain_built_in_python_runs_step_by_step_on_the_celeriac_worker()
    {
        var sent = await cluster.PythonClient.CanvasAsync(new { chain = Chain(Cx, Cx) });

        await ShouldReturnAsync(sent, "82");
    }

    [InteropTheory]
    [InlineData(Py, Cx)]
    [InlineData(Cx, Py)]
    public async Task Chain_alternating_between_the_workers_passes_each_result_on(string odd, string even)
    {
        var sent = await cluster.PythonClient.CanvasAsync(new { chain = Chain(odd, even) });

        await ShouldReturnAsync(sent, "82");
    }

    [InteropFact]
    public async Task Chord_built_in_python_joins_on_the_celeriac_worker()
    {
        var sent = await cluster.PythonClient.CanvasAsync(new
        {
            chord = Enumerable.Range(0, 10).Select(i => new { name = "interop.add", args = new object[] { i, i }, queue = Cx }).ToArray(),
            body = new { name = "interop.xsum", queue = Cx },
        });

        await ShouldReturnAsync(sent, "90");
    }

    [InteropFact]
    public async Task Chord_with_header_parts_on_both_workers_joins_once_and_runs_the_body()
    {
        // Whichever worker finishes the last part must see the other's parts in Celery's Redis
        // chord join (<gid>.j / .s / .t) and send the body.
        var sent = await cluster.PythonClient.CanvasAsync(new
        {
            chord = Enumerable.Range(0, 20).Select(i => new { name = "interop.add", args = new object[] { i, i }, queue = i % 2 == 0 ? Py : Cx }).ToArray(),
            body = new { name = "interop.xsum", queue = Py },
        });

        await ShouldReturnAsync(sent, "380");
    }

    [InteropFact]
    public async Task Link_callback_from_python_runs_after_the_celeriac_task()
    {
        var sent = await cluster.PythonClient.CanvasAsync(new
        {
            task = new { name = "interop.add", args = new object[] { 2, 2 }, queue = Cx },
            link = new { name = "interop.add", args = new object[] { 10 }, queue = Py },
        });

        await ShouldReturnAsync(sent, "4");
        var callback = await cluster.PythonClient.GetOneAsync(sent["ids"]!["link"]!.GetValue<string>(), Timeout);
        ((string?)callback["repr"]).Should().Be("14", Describe(callback));
    }

    [InteropFact]
    public async Task Chain_crosses_from_python_to_a_celeriac_only_task_and_back()
    {
        // py.add_one exists only in Python's interop_tasks.py, interop.cs_only_double only in the
        // Celeriac InteropWorker (neither is in the contract): each worker must send the next step
        // of a task it cannot run itself. (1 + 1) * 2 + 1 = 5.
        var sent = await cluster.PythonClient.CanvasAsync(new
        {
            chain = new object[]
            {
                new { name = "py.add_one", args = new object[] { 1 }, queue = Py },
                new { name = "interop.cs_only_double", queue = Cx },
                new { name = "py.add_one", queue = Py },
            },
        });

        await ShouldReturnAsync(sent, "5");
    }

    [InteropFact]
    public async Task Chord_with_header_parts_on_both_workers_and_the_body_on_the_celeriac_worker()
    {
        var sent = await cluster.PythonClient.CanvasAsync(new
        {
            chord = Enumerable.Range(0, 12).Select(i => new { name = "interop.add", args = new object[] { i, 1 }, queue = i % 2 == 0 ? Py : Cx }).ToArray(),
            body = new { name = "interop.xsum", queue = Cx },
        });

        await ShouldReturnAsync(sent, "78");
    }

    [InteropFact]
    public async Task Failing_chord_header_part_gives_python_a_ChordError_and_runs_the_errback_once()
    {
        // The errback is old-style: it gets the body's id first, so interop.record(body_id, token)
        // appends one token to a list named after the body, once per run.
        var sent = await cluster.PythonClient.CanvasAsync(new
        {
            chord = new object[]
            {
                new { name = "interop.add", args = new object[] { 1, 1 }, queue = Py },
                new { name = "interop.fail", args = new object[] { "header failed" }, queue = Cx },
                new { name = "interop.add", args = new object[] { 2, 2 }, queue = Cx },
                new { name = "interop.add", args = new object[] { 3, 3 }, queue = Py },
            },
            body = new { name = "interop.xsum", queue = Cx, link_error = new { name = "interop.record", args = new object[] { "errback-ran" }, queue = Py } },
        });
        var bodyId = sent["id"]!.GetValue<string>();

        var result = await cluster.PythonClient.GetOneAsync(bodyId, Timeout);

        ((string?)result["exception"]?["type"]).Should().Be("ChordError", Describe(result));
        ((string?)result["exception"]?["message"]).Should().StartWith("Dependency ").And.Contain("raised").And.Contain("header failed", Describe(result));
        await Poll.UntilAsync(async () => (await cluster.Records.ListAsync("LRANGE", bodyId, "0", "-1")).Count > 0, TimeSpan.FromSeconds(Timeout),
            () => "the body's errback never ran\n" + Describe(result));
        (await cluster.Records.ListAsync("LRANGE", bodyId, "0", "-1")).Should().Equal(["errback-ran"], "the body's errback runs once, sent by the worker that completed the chord");
    }

    /// <summary>add(2, 2) | mul(10) | add(1) | mul(2) = 82, odd steps on one queue, even steps on the other.</summary>
    private static object[] Chain(string odd, string even) =>
    [
        new { name = "interop.add", args = new object[] { 2, 2 }, queue = odd },
        new { name = "interop.mul", args = new object[] { 10 }, queue = even },
        new { name = "interop.add", args = new object[] { 1 }, queue = odd },
        new { name = "interop.mul", args = new object[] { 2 }, queue = even },
    ];

    private async Task ShouldReturnAsync(JsonObject sent, string repr)
    {
        var result = await cluster.PythonClient.GetOneAsync(sent["id"]!.GetValue<string>(), Timeout);
        ((string?)result["repr"]).Should().Be(repr, Describe(result));
    }

    private string Describe(JsonObject outcome) =>
        $"Python saw {outcome.ToJsonString()}\n{cluster.PythonWorker.Describe()}\n{cluster.CeleriacWorker.Describe()}";
}
