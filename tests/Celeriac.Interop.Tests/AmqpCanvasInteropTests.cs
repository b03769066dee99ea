using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Canvases across the language line with RabbitMQ as the broker and the Redis result backend (the
/// usual production pair): each step routed by its queue to the Python worker or the Celeriac
/// worker, composed by a Python client and by a Celeriac client; chords join in Celery's Redis
/// chord counter whichever worker finishes the last part.
/// </summary>
public sealed class AmqpCanvasInteropTests(AmqpBothWorkersCluster cluster) : IClassFixture<AmqpBothWorkersCluster>
{
    private const string Py = AmqpBothWorkersCluster.PythonQueue;
    private const string Cx = AmqpBothWorkersCluster.CeleriacQueue;
    private const double TimeoutSeconds = 15;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(TimeoutSeconds);

    [AmqpInteropFact]
    public async Task Chain_built_in_python_alternates_between_the_workers_and_crosses_to_a_celeriac_only_task()
    {
        // add(2, 2) | mul(10) | add(1) | mul(2) = 82, odd steps in Python, even in Celeriac.
        var alternating = await cluster.PythonClient.CanvasAsync(new
        {
            chain = new object[]
            {
                new { name = "interop.add", args = new object[] { 2, 2 }, queue = Py },
                new { name = "interop.mul", args = new object[] { 10 }, queue = Cx },
                new { name = "interop.add", args = new object[] { 1 }, queue = Py },
                new { name = "interop.mul", args = new object[] { 2 }, queue = Cx },
            },
        });
        // py.add_one only in Python, interop.cs_only_double only in Celeriac: (1 + 1) * 2 + 1 = 5.
        var crossing = await cluster.PythonClient.CanvasAsync(new
        {
            chain = new object[]
            {
                new { name = "py.add_one", args = new object[] { 1 }, queue = Py },
                new { name = "interop.cs_only_double", queue = Cx },
                new { name = "py.add_one", queue = Py },
            },
        });

        var results = await cluster.PythonClient.GetAsync([Id(alternating), Id(crossing)], TimeoutSeconds);

        results.Select(r => (string?)r["repr"]).Should().Equal(["82", "5"], Describe(results));
    }

    [AmqpInteropFact]
    public async Task Chord_built_in_python_with_parts_on_both_workers_joins_once_in_redis()
    {
        var sent = await cluster.PythonClient.CanvasAsync(new
        {
            chord = Enumerable.Range(0, 12).Select(i => new { name = "interop.add", args = new object[] { i, 1 }, queue = i % 2 == 0 ? Py : Cx }).ToArray(),
            body = new { name = "interop.xsum", queue = Cx },
        });

        var result = await cluster.PythonClient.GetOneAsync(Id(sent), TimeoutSeconds);

        ((string?)result["repr"]).Should().Be("78", Describe([result]));
    }

    [AmqpInteropFact]
    public async Task Chord_and_chain_composed_in_csharp_run_across_both_workers()
    {
        var chord = Workflow.Chord(Enumerable.Range(0, 10).Select(i => On(i % 2 == 0 ? Py : Cx, "interop.add", i, i)), On(Py, "interop.xsum"));
        var chain = On(Py, "py.add_one", 1) | On(Cx, "interop.cs_only_double") | On(Py, "py.add_one");

        var body = await chord.ApplyAsync<long>();
        var last = await chain.ApplyAsync<long>();

        (await body.GetAsync(Timeout)).Should().Be(90, Workers());
        (await last.GetAsync(Timeout)).Should().Be(5, Workers());
    }

    [AmqpInteropFact]
    public async Task Group_composed_in_csharp_with_members_on_both_workers_is_restored_and_joined_by_python()
    {
        var key = "records-" + Guid.NewGuid().ToString("N");
        var tokens = Enumerable.Range(0, 8).Select(i => $"t{i}").ToList();
        var group = Workflow.Group(tokens.Select((token, i) => On(i % 2 == 0 ? Py : Cx, "interop.record", key, token)));

        var result = (GroupResult)await group.ApplyAsync();
        await result.SaveAsync();
        var python = await cluster.PythonClient.GroupRestoreAsync(result.Id, TimeoutSeconds);

        python["found"]!.GetValue<bool>().Should().BeTrue(python.ToJsonString());
        python["results"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal(tokens, Workers());
        (await cluster.Records.ListAsync("LRANGE", key, "0", "-1")).Should().BeEquivalentTo(tokens, "each member ran exactly once");
    }

    private Signature On(string queue, string name, params object?[] args) =>
        cluster.Client.Signature(name, args, options: new TaskSendOptions { Queue = queue });

    private static string Id(JsonObject sent) => sent["id"]!.GetValue<string>();

    private string Describe(IEnumerable<JsonObject> python) => $"Python saw {string.Join(", ", python.Select(p => p.ToJsonString()))}\n{Workers()}";

    private string Workers() => $"{cluster.PythonWorker.Describe()}\n{cluster.CeleriacWorker.Describe()}";
}
