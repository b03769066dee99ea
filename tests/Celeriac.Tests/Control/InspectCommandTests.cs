using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.TestSupport;

namespace Celeriac.Tests.Control;

/// <summary>
/// The inspect commands a Celeriac worker answers on its own, against the replies Python Celery
/// 5.2.6 gave (vectors <c>pidbox_*</c>): the same structure, with a task running, one waiting for
/// a slot and one waiting for its ETA, as when the vectors were captured.
/// </summary>
public sealed class InspectCommandTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ControlTestBed _bed = null!;
    private string _running = "", _waiting = "", _scheduled = "";

    public async Task InitializeAsync()
    {
        _bed = await ControlTestBed.StartAsync(register: app =>
        {
            app.Task("tasks.slow", async (int x, CancellationToken ct) => { await _release.Task.WaitAsync(ct); return x; });
            app.Task("tasks.add", (int x, int y) => x + y, o => o.RateLimit = "10/m");
            app.Task("tasks.mul", (int x, int y) => x * y);
        }, configure: w => w.Concurrency = 1);
        _running = (await _bed.Harness.SendAsync("tasks.slow", [6])).Id;
        await _bed.Signals.WaitForAsync(Worker.WorkerSignalKind.Started, _running);
        _waiting = (await _bed.Harness.SendAsync("tasks.slow", [1])).Id;
        _scheduled = (await _bed.Harness.SendAsync("tasks.add", [1, 2], options: new TaskSendOptions { Countdown = TimeSpan.FromHours(1) })).Id;
        await _bed.Signals.WaitForAsync(Worker.WorkerSignalKind.Received, _scheduled);
        await _bed.Signals.WaitForAsync(Worker.WorkerSignalKind.Received, _waiting);
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _bed.DisposeAsync();
    }

    private static (JsonObject Arguments, JsonNode? Reply) Vector(string name)
    {
        var vector = GoldenVectors.Load(name);
        var request = vector["request"]!["body_decoded"]!.AsObject();
        var reply = vector["reply"]?["body_decoded"]?.AsObject().First().Value;
        return ((JsonObject)request["arguments"]!.DeepClone(), reply);
    }

    [Theory]
    [InlineData("pidbox_ping")]
    [InlineData("pidbox_ping_from_cli_celery_inspect")]
    [InlineData("pidbox_active")]
    [InlineData("pidbox_reserved")]
    [InlineData("pidbox_scheduled")]
    [InlineData("pidbox_registered")]
    [InlineData("pidbox_revoked")]
    [InlineData("pidbox_active_queues")]
    [InlineData("pidbox_clock")]
    [InlineData("pidbox_report")]
    [InlineData("pidbox_stats")]
    public async Task The_reply_has_the_shape_of_celerys(string vector)
    {
        var (arguments, expected) = Vector(vector);
        var method = GoldenVectors.Load(vector)["request"]!["body_decoded"]!["method"]!.GetValue<string>();

        var actual = await _bed.AskAsync(method, arguments);

        ReplyShape.AssertSame(expected, actual, dataKeyed: new HashSet<string> { "$.total", "$.broker.transport_options" });
    }

    [Fact]
    public async Task Query_task_reports_the_active_and_the_reserved_task_as_in_the_vector_and_skips_unknown_ids()
    {
        var (_, expected) = Vector("pidbox_query_task");

        var actual = (await _bed.AskAsync("query_task", new JsonObject { ["ids"] = new JsonArray(_running, _waiting, "nope") }))!.AsObject();

        actual.Select(kv => kv.Key).Should().BeEquivalentTo([_running, _waiting]);
        actual[_running]![0]!.GetValue<string>().Should().Be("active");
        actual[_waiting]![0]!.GetValue<string>().Should().Be("reserved");
        var e = expected!.AsObject().ToList();
        ReplyShape.AssertSame(e[0].Value, actual[_running]);
        ReplyShape.AssertSame(e[1].Value, actual[_waiting]);
        // One id as a plain string works too (Celery's maybe_list).
        (await _bed.AskAsync("query_task", new JsonObject { ["ids"] = _running }))!.AsObject().Should().ContainKey(_running);
    }

    [Fact]
    public async Task Active_reserved_and_scheduled_each_list_their_own_task_with_request_info()
    {
        var active = (await _bed.AskAsync("active"))!.AsArray();
        var reserved = (await _bed.AskAsync("reserved"))!.AsArray();
        var scheduled = (await _bed.AskAsync("scheduled"))!.AsArray();

        active.Select(i => i!["id"]!.GetValue<string>()).Should().Equal(_running);
        reserved.Select(i => i!["id"]!.GetValue<string>()).Should().Equal(_waiting);
        scheduled.Select(i => i!["request"]!["id"]!.GetValue<string>()).Should().Equal(_scheduled);

        var running = active[0]!;
        running["name"]!.GetValue<string>().Should().Be("tasks.slow");
        running["args"].Text().Should().Be("[6]");
        running["hostname"]!.GetValue<string>().Should().Be(_bed.Node);
        running["acknowledged"]!.GetValue<bool>().Should().BeTrue();
        CeleryJson.AsDouble(running["time_start"]).Should().BeGreaterThan(1.7e9);
        CeleryJson.AsInt64(running["worker_pid"]).Should().Be(Environment.ProcessId);
        reserved[0]!["time_start"].Should().BeNull();
        reserved[0]!["acknowledged"]!.GetValue<bool>().Should().BeFalse();
        reserved[0]!["delivery_info"]!["routing_key"]!.GetValue<string>().Should().Be("celery");
        scheduled[0]!["priority"]!.GetValue<int>().Should().Be(6);
        PythonDateTime.Parse(scheduled[0]!["eta"]!.GetValue<string>()).Should().BeAfter(DateTimeOffset.UtcNow.AddMinutes(59));
        // safe=True: the arguments as their repr strings.
        (await _bed.AskAsync("active", new JsonObject { ["safe"] = true }))![0]!["args"]!.GetValue<string>().Should().Be("(6,)");
    }

    [Fact]
    public async Task Registered_lists_task_names_sorted_without_builtins_with_the_info_items_that_are_set()
    {
        (await _bed.AskAsync("registered")).Text().Should().Be("""["tasks.add [rate_limit=10/m]","tasks.mul","tasks.slow"]""");
        (await _bed.AskAsync("registered", new JsonObject { ["taskinfoitems"] = new JsonArray("acks_late", "max_retries") })).Text()
            .Should().Be("""["tasks.add [acks_late=False max_retries=3]","tasks.mul [acks_late=False max_retries=3]","tasks.slow [acks_late=False max_retries=3]"]""");
        (await _bed.AskAsync("registered", new JsonObject { ["builtins"] = true }))!.AsArray().Select(n => n!.GetValue<string>())
            .Should().Contain("celery.chord_unlock");
    }

    [Fact]
    public async Task Stats_counts_started_tasks_per_name_and_reports_the_pool_prefetch_and_broker()
    {
        var stats = (await _bed.AskAsync("stats"))!;

        stats["total"].Text().Should().Be("""{"tasks.slow":1}""");
        CeleryJson.AsInt64(stats["pid"]).Should().Be(Environment.ProcessId);
        long.Parse(stats["clock"]!.GetValue<string>()).Should().BePositive();
        stats["pool"]!["max-concurrency"]!.GetValue<int>().Should().Be(1);
        stats["pool"]!["processes"].Text().Should().Be($"[{Environment.ProcessId}]");
        // 1 slot × 4, plus the task held for its ETA, as Celery's qos counts.
        stats["prefetch_count"]!.GetValue<long>().Should().Be(5);
        stats["broker"]!["transport"]!.GetValue<string>().Should().Be("memory");
        CeleryJson.AsDouble(stats["rusage"]!["utime"]).Should().BePositive();
        CeleryJson.AsInt64(stats["rusage"]!["maxrss"]).Should().BePositive();
    }

    [Fact]
    public async Task Active_queues_describes_each_consumed_queue_as_kombu_does()
    {
        var queues = (await _bed.AskAsync("active_queues"))!.AsArray();

        queues.Select(q => q!["name"]!.GetValue<string>()).Should().Equal("celery");
        queues[0]!["exchange"]!["type"]!.GetValue<string>().Should().Be("direct");
        queues[0]!["routing_key"]!.GetValue<string>().Should().Be("celery");
    }

    [Fact]
    public async Task Clock_answers_the_apps_lamport_clock_and_hello_from_itself_is_null()
    {
        var clock = CeleryJson.AsInt64((await _bed.AskAsync("clock"))!["clock"])!.Value;
        clock.Should().BePositive();

        (await _bed.AskAsync("hello", new JsonObject { ["from_node"] = _bed.Node, ["revoked"] = new JsonObject() })).Should().BeNull();
        var other = (await _bed.AskAsync("hello", new JsonObject { ["from_node"] = "celery@peer" }))!;
        other["revoked"].Should().BeOfType<JsonObject>();
        CeleryJson.AsInt64(other["clock"]).Should().BeGreaterThan(clock);
    }

    [Fact]
    public async Task The_dump_aliases_answer_as_their_commands()
    {
        (await _bed.AskAsync("dump_active"))!.AsArray().Should().ContainSingle();
        (await _bed.AskAsync("dump_reserved"))!.AsArray().Should().ContainSingle();
        (await _bed.AskAsync("dump_schedule"))!.AsArray().Should().ContainSingle();
        (await _bed.AskAsync("dump_tasks"))!.AsArray().Should().HaveCount(3);
    }
}
