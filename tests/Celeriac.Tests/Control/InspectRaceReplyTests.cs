using System.Text.Json.Nodes;
using Celeriac.Control;

namespace Celeriac.Tests.Control;

/// <summary>
/// What the typed inspect client reads when a task is caught between states: listed before it started
/// (a Python prefork worker lists a request before its pool process accepts it: no start time, no pid),
/// described with keys left out, or gone by the time <c>query_task</c> asks. None of it may throw.
/// </summary>
public sealed class InspectRaceReplyTests : IAsyncLifetime
{
    private readonly CeleriacApp _app = CeleriacApp.Create(o => o.BrokerUrl = $"memory://{Guid.NewGuid():N}");

    private static readonly ControlCallOptions ToA = new() { Destination = ["celery@a"], Reply = true, Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_task_listed_before_it_started_or_with_keys_left_out_is_read_with_nulls()
    {
        var notStarted = new JsonObject
        {
            ["id"] = "t-1", ["name"] = "x.sleep", ["args"] = new JsonArray(25), ["kwargs"] = new JsonObject(), ["type"] = "x.sleep",
            ["hostname"] = "celery@a", ["time_start"] = null, ["acknowledged"] = false,
            ["delivery_info"] = new JsonObject { ["exchange"] = "", ["routing_key"] = "q", ["priority"] = null, ["redelivered"] = null },
            ["worker_pid"] = null,
        };
        var bare = new JsonObject { ["id"] = "t-2" };
        await using var a = await FakeMailbox.StartAsync(_app, "celery@a", r => r.Method == "query_task"
            ? new JsonObject { ["t-1"] = new JsonArray("reserved", notStarted.DeepClone()), ["t-2"] = new JsonArray("active", bare.DeepClone()) }
            : new JsonArray(notStarted.DeepClone(), bare.DeepClone()));

        var active = (await _app.Control.Inspect(ToA).ActiveAsync())["celery@a"];
        var query = (await _app.Control.Inspect(ToA).QueryTaskAsync(["t-1", "t-2"]))["celery@a"];

        active.Select(t => (t.Id, t.TimeStart, t.WorkerPid, t.Acknowledged, t.Priority, t.Redelivered))
            .Should().Equal(("t-1", null, null, false, null, null), ("t-2", null, null, false, null, null));
        (active[1].Name, active[1].Args, active[1].Hostname, active[1].Exchange).Should().Be((null, null, null, null));
        query.Select(kv => (kv.Key, kv.Value.State, kv.Value.Request.Id)).Should().BeEquivalentTo([("t-1", "reserved", "t-1"), ("t-2", "active", "t-2")]);
    }

    [Fact]
    public async Task Query_task_of_a_task_that_ended_meanwhile_answers_an_empty_map_for_that_worker()
    {
        // The worker no longer holds the id (Celery answers {} then): the node is there, the task is not.
        await using var a = await FakeMailbox.StartAsync(_app, "celery@a", _ => new JsonObject());

        var query = await _app.Control.Inspect(ToA).QueryTaskAsync(["gone"]);

        query.Should().ContainKey("celery@a").WhoseValue.Should().BeEmpty();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();
}
