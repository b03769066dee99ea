using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Exceptions;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Canvases composed by a Celeriac client (<c>app.Signature</c>, <c>|</c>, <c>Workflow</c>,
/// <c>ApplyAsync</c>) and run by a Python Celery 5.2 worker and the Celeriac InteropWorker
/// together, each step routed to one of them by its queue. The client registers no task: it names
/// them, as a Python client does with <c>app.signature("name")</c>. Results are read with the
/// Celeriac client's handles and with Python's, and <c>interop.record</c> counts executions in a
/// Redis list, so each task is seen to run exactly once.
/// </summary>
[Trait("Needs", "worker-canvas")]
public sealed class CeleriacClientCanvasInteropTests(BothWorkersCluster cluster) : IClassFixture<BothWorkersCluster>
{
    private const string Py = BothWorkersCluster.PythonQueue;
    private const string Cx = BothWorkersCluster.CeleriacQueue;
    private const double TimeoutSeconds = 10;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(TimeoutSeconds);

    private CeleriacApp Client => cluster.Client;

    [InteropFact]
    public async Task Chain_python_to_celeriac_to_python_returns_5_to_both_clients_and_leads_back_through_its_steps()
    {
        // py.add_one exists only in Python, interop.cs_only_double only in Celeriac: (1 + 1) * 2 + 1.
        var flow = On(Py, "py.add_one", 1) | On(Cx, "interop.cs_only_double") | On(Py, "py.add_one");

        var last = await flow.ApplyAsync<long>();

        (await last.GetAsync(Timeout)).Should().Be(5, Workers());
        await PythonShouldReadAsync(last.Id, "5");
        var doubled = last.Parent.Should().BeOfType<AsyncResult>().Subject;
        var first = doubled.Parent.Should().BeOfType<AsyncResult>().Subject;
        first.Parent.Should().BeNull("the first step has no parent");
        (await doubled.GetAsync<long>(Timeout)).Should().Be(4);
        (await first.GetAsync<long>(Timeout)).Should().Be(2);
        var python = await cluster.PythonClient.GetAsync([first.Id, doubled.Id], TimeoutSeconds);
        python.Select(r => (string?)r["repr"]).Should().Equal(["2", "4"], "Python reads the earlier steps under the ids the C# client froze");
        // Each worker stored the next step it sent as a child of the step it ran.
        first.Children.Select(c => c.Id).Should().Equal([doubled.Id], "the Python worker sent the Celeriac step");
        doubled.Children.Select(c => c.Id).Should().Equal([last.Id], "the Celeriac worker sent the last Python step");
    }

    [InteropTheory]
    [InlineData(Py)]
    [InlineData(Cx)]
    public async Task Chord_with_header_parts_alternating_between_the_workers_sums_on_either(string bodyQueue)
    {
        const int parts = 16;
        var header = Enumerable.Range(0, parts).Select(i => On(Alternate(i), "interop.add", i, i));
        var chord = Workflow.Chord(header, On(bodyQueue, "interop.xsum"));

        var body = await chord.ApplyAsync<long>();

        (await body.GetAsync(Timeout)).Should().Be(240, Workers());
        await PythonShouldReadAsync(body.Id, "240");
        var headerResult = body.Parent.Should().BeOfType<GroupResult>("a chord's result leads back to its header").Subject;
        headerResult.Results.Should().HaveCount(parts);
        (await headerResult.JoinAsync<long>(Timeout)).Should().Equal(Enumerable.Range(0, parts).Select(i => 2L * i));
        (await headerResult.CompletedCountAsync()).Should().Be(parts);
    }

    [InteropTheory]
    [InlineData(Py)]
    [InlineData(Cx)]
    public async Task Chord_header_tasks_on_both_workers_each_run_once_and_the_body_once(string bodyQueue)
    {
        // The header records a token per part; the body echoes the joined tokens, in header order;
        // the body's link records one token under its own key, once per run of the body.
        var key = NewKey();
        var bodyKey = key + ":body";
        var tokens = Enumerable.Range(0, 12).Select(i => $"part-{i}").ToList();
        var chord = Workflow.Chord(tokens.Select((token, i) => On(Alternate(i), "interop.record", key, token)), On(bodyQueue, "interop.echo"));
        chord.Link(Immutable(Py, "interop.record", bodyKey, "body-done"));

        var body = (AsyncResult)await chord.ApplyAsync();

        var echoed = await body.GetAsync(Timeout);
        JsonAssert.Difference(new JsonArray(new JsonArray([.. tokens.Select(t => (JsonNode?)t)])), echoed?["args"]).Should()
            .BeNull("the body gets every part's result once, in header order; got {0}\n{1}", echoed?.ToJsonString(), Workers());
        await ShouldRecordExactlyAsync(key, tokens);
        (await Records(key + ":python")).Should().BeEquivalentTo(tokens.Where((_, i) => Alternate(i) == Py), "the Python worker ran the parts routed to it, and only those");
        await ShouldRecordExactlyAsync(bodyKey, ["body-done"]);
    }

    [InteropFact]
    public async Task Group_saved_by_the_celeriac_client_is_restored_and_joined_by_python()
    {
        var key = NewKey();
        var tokens = Enumerable.Range(0, 10).Select(i => $"member-{i}").ToList();
        var group = Workflow.Group(tokens.Select((token, i) => On(Alternate(i), "interop.record", key, token)));

        var result = (GroupResult)await group.ApplyAsync();
        await result.SaveAsync();

        var python = await cluster.PythonClient.GroupRestoreAsync(result.Id, TimeoutSeconds);
        ((bool?)python["found"]).Should().BeTrue(Describe(python));
        python["ids"]!.AsArray().Select(id => (string?)id).Should().Equal(result.Results.Select(r => r.Id), "Python restores the members we saved, in order");
        python["results"].Should().NotBeNull(Describe(python));
        python["results"]!.AsArray().Select(v => (string?)v).Should().Equal(tokens, Describe(python));
        ((int?)python["completed_count"]).Should().Be(tokens.Count);
        (await result.JoinAsync<string>(Timeout)).Should().Equal(tokens);
        await ShouldRecordExactlyAsync(key, tokens);
    }

    [InteropFact]
    public async Task Group_saved_by_python_is_restored_and_joined_by_the_celeriac_client()
    {
        var sent = await cluster.PythonClient.CanvasAsync(new
        {
            group = Enumerable.Range(0, 10).Select(i => new { name = "interop.add", args = new object[] { i, 100 }, queue = Alternate(i) }).ToArray(),
        });
        var groupId = sent["id"]!.GetValue<string>();

        var restored = await GroupResult.RestoreAsync(Client, groupId);

        restored.Should().NotBeNull("Python saved group {0}", groupId);
        restored!.Id.Should().Be(groupId);
        restored.Results.Select(r => r.Id).Should().Equal(sent["ids"]!["header"]!.AsArray().Select(id => (string?)id));
        (await restored.JoinAsync<long>(Timeout)).Should().Equal(Enumerable.Range(100, 10).Select(i => (long)i), Workers());
        (await restored.CompletedCountAsync()).Should().Be(10);
    }

    [InteropTheory]
    [InlineData(Cx, "py.add_one", Py, 5)]
    [InlineData(Py, "interop.cs_only_double", Cx, 8)]
    public async Task Link_callback_composed_in_csharp_runs_on_the_other_worker_with_the_result(string taskQueue, string callbackName, string callbackQueue,
        long expected)
    {
        // The callback is a task only the other worker has, so the worker that ran add(2, 2) must send it.
        var callback = On(callbackQueue, callbackName);
        var callbackId = callback.Freeze();

        var added = await On(taskQueue, "interop.add", 2, 2).Link(callback).ApplyAsync<long>();

        (await added.GetAsync(Timeout)).Should().Be(4, Workers());
        (await Client.Result<long>(callbackId).GetAsync(Timeout)).Should().Be(expected, Workers());
        await PythonShouldReadAsync(callbackId, expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        added.Children.Select(c => c.Id).Should().Equal([callbackId], "the worker stored the callback it sent as a child");
    }

    [InteropFact]
    public async Task Link_error_composed_in_csharp_runs_the_errback_once_with_the_failed_task_id()
    {
        // An errback gets the failed task's id first (old style), so interop.record(<failed id>, token)
        // appends to a list named after the failed task. interop.fail runs on the Celeriac worker,
        // which always sends errbacks as tasks; a Python worker would call interop.record in
        // process as a new-style errback (it takes more than one argument: Celery 5.2's
        // _call_task_errbacks) with (request, exc, traceback), which it cannot take.
        var errback = On(Py, "interop.record", "errback-ran");

        var failed = (AsyncResult)await On(Cx, "interop.fail", "composed in C#").LinkError(errback).ApplyAsync();

        var thrown = await FluentActions.Awaiting(() => failed.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();
        thrown.Which.ExceptionMessage.Should().Contain("composed in C#");
        var python = await cluster.PythonClient.GetOneAsync(failed.Id, TimeoutSeconds);
        ((string?)python["exception"]?["message"]).Should().Contain("composed in C#", Describe(python));
        await ShouldRecordExactlyAsync(failed.Id, ["errback-ran"]);
        (await Records(failed.Id + ":python")).Should().Equal(["errback-ran"], "the errback ran on the Python worker");
    }

    [InteropTheory]
    [InlineData(Py, Cx)]
    [InlineData(Cx, Py)]
    public async Task Chain_with_a_group_in_the_middle_becomes_a_chord_across_the_workers(string firstQueue, string bodyQueue)
    {
        // add(1, 1) | group(mul(2) on Python, mul(3) on Celeriac) | xsum = 2 * 2 + 2 * 3.
        var flow = Workflow.Chain(
            On(firstQueue, "interop.add", 1, 1),
            Workflow.Group(On(Py, "interop.mul", 2), On(Cx, "interop.mul", 3)),
            On(bodyQueue, "interop.xsum"));

        var total = await flow.ApplyAsync<long>();

        (await total.GetAsync(Timeout)).Should().Be(10, Workers());
        await PythonShouldReadAsync(total.Id, "10");
        var header = total.Parent.Should().BeOfType<GroupResult>("the group became the chord's header").Subject;
        (await header.JoinAsync<long>(Timeout)).Should().Equal([4L, 6L]);
        var first = header.Parent.Should().BeOfType<AsyncResult>().Subject;
        (await first.GetAsync<long>(Timeout)).Should().Be(2);
    }

    /// <summary>A signature of a task by name, routed to <paramref name="queue"/>.</summary>
    private Signature On(string queue, string name, params object?[] args) =>
        Client.Signature(name, args, options: new TaskSendOptions { Queue = queue });

    /// <summary>The same, immutable (Celery's <c>si</c>): a parent's result is not prepended.</summary>
    private Signature Immutable(string queue, string name, params object?[] args) =>
        Client.Signature(name, args, options: new TaskSendOptions { Queue = queue }, immutable: true);

    /// <summary>Even positions to the Python worker, odd to the Celeriac worker.</summary>
    private static string Alternate(int i) => i % 2 == 0 ? Py : Cx;

    private static string NewKey() => "records-" + Guid.NewGuid().ToString("N");

    private Task<IReadOnlyList<string>> Records(string key) => cluster.Records.ListAsync("LRANGE", key, "0", "-1");

    /// <summary>Waits until the list has as many tokens as expected, then checks each is there exactly once.</summary>
    private async Task ShouldRecordExactlyAsync(string key, IReadOnlyList<string> tokens)
    {
        var count = 0;
        await Poll.UntilAsync(async () => (count = (await Records(key)).Count) >= tokens.Count, Timeout,
            () => $"list {key} has {count} of {tokens.Count} tokens\n{Workers()}");
        (await Records(key)).Should().BeEquivalentTo(tokens, "every task ran exactly once");
    }

    private async Task PythonShouldReadAsync(string id, string repr)
    {
        var python = await cluster.PythonClient.GetOneAsync(id, TimeoutSeconds);
        ((string?)python["repr"]).Should().Be(repr, Describe(python));
    }

    private string Describe(JsonObject python) => $"Python saw {python.ToJsonString()}\n{Workers()}";

    private string Workers() => $"{cluster.PythonWorker.Describe()}\n{cluster.CeleriacWorker.Describe()}";
}
