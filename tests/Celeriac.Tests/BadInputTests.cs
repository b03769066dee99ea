using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>Bad input is rejected without requeue, one message at a time; the worker keeps going (docs/protocol.md §1.12, §5.2).</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create(o => o.AcceptContent = ["json", "pickle"]);
    private readonly Tasks.CeleriacTask<string> _good;

    public BadInputTests() => _good = _h.App.Task("bad.good", () => "still running");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static StoredMessage Raw(JsonObject headers, string body, string contentType = ContentTypes.Json) =>
        new(new BrokerMessage(headers, new MessageProperties(), Encoding.UTF8.GetBytes(body), contentType),
            DeliveryInfo.ToQueue("celery"), Guid.NewGuid().ToString());

    private static JsonObject Headers(string? task = "bad.good", string? id = "bad-1", string? eta = null)
    {
        var h = new JsonObject();
        if (task is not null) h["task"] = task;
        if (id is not null) h["id"] = id;
        if (eta is not null) h["eta"] = eta;
        return h;
    }

    public static TheoryData<string, string> Cases => new()
    {
        { "body-not-json", "not valid JSON" },
        { "body-two-elements", "[args, kwargs, embed]" },
        { "body-object", "[args, kwargs, embed]" },
        { "args-not-array", "args is not an array" },
        { "kwargs-not-object", "kwargs is not an object" },
        { "missing-task", "no 'task'" },
        { "missing-id", "no 'id'" },
        { "task-not-string", "'task' must be a string" },
        { "bad-eta", "'eta'" },
        { "pickle", "application/x-python-serialize" },
        { "unknown-content-type", "application/x-unknown" },
        { "malformed-envelope", "envelope could not be read" },
    };

    private static StoredMessage Build(string kind) => kind switch
    {
        "body-not-json" => Raw(Headers(), "{not json"),
        "body-two-elements" => Raw(Headers(), "[[], {}]"),
        "body-object" => Raw(Headers(), """{"x": 1}"""),
        "args-not-array" => Raw(Headers(), """[{}, {}, {}]"""),
        "kwargs-not-object" => Raw(Headers(), """[[], [], {}]"""),
        "missing-task" => Raw(Headers(task: null), "[[], {}, {}]"),
        "missing-id" => Raw(Headers(id: null), "[[], {}, {}]"),
        "task-not-string" => Raw(new JsonObject { ["task"] = 5, ["id"] = "bad-1" }, "[[], {}, {}]"),
        "bad-eta" => Raw(Headers(eta: "tomorrow at noon"), "[[], {}, {}]"),
        "pickle" => Raw(Headers(), "\u0080\u0004K\u0001.", ContentTypes.Pickle),
        "unknown-content-type" => Raw(Headers(), "[[], {}, {}]", "application/x-unknown"),
        "malformed-envelope" => new StoredMessage(null, DeliveryInfo.ToQueue("celery"), Guid.NewGuid().ToString(),
            Malformed: new InvalidMessageException("envelope could not be read: bad base64")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_message_is_rejected_with_a_reason_and_the_next_good_task_runs(string kind, string reasonPart)
    {
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        _h.Broker.Enqueue("celery", Build(kind));
        var rejected = (await signals.RejectionsAsync(1))[0];
        var good = await _good.DelayAsync();
        await signals.CompletedAsync(good.Id);

        rejected.Reason.Should().Contain(reasonPart);
        _h.Broker.DeadLetters.Should().HaveCount(1);
        _h.Broker.Depth("celery").Should().Be(0);
        (await good.GetAsync(TimeSpan.FromSeconds(1))).Should().Be("still running");
        (await _h.StoredAsync("bad-1")).Status.Should().Be(TaskStates.Pending, "nothing is stored for an unreadable message");
        signals.Of(WorkerSignalKind.Started).Select(s => s.TaskId).Should().Equal(good.Id);
    }

    [Fact]
    public async Task A_burst_of_bad_messages_is_all_rejected_and_nothing_good_is_lost()
    {
        foreach (var (kind, _) in Cases.Select(row => ((string)row[0], (string)row[1]))) _h.Broker.Enqueue("celery", Build(kind));
        var goods = new List<string>();
        for (var i = 0; i < 3; i++) goods.Add((await _good.DelayAsync()).Id);

        var (_, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 2; w.PrefetchMultiplier = 1; });
        await signals.RejectionsAsync(Cases.Count);
        await signals.CompletionsAsync(3);

        _h.Broker.DeadLetters.Should().HaveCount(Cases.Count);
        _h.Broker.Depth("celery").Should().Be(0);
        signals.Of(WorkerSignalKind.Completed).Select(s => s.TaskId).Should().BeEquivalentTo(goods);
    }

    [Fact]
    public async Task An_unknown_task_name_stores_NotRegistered_and_rejects_the_message()
    {
        var (_, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        var unknown = await _h.App.SendTaskAsync("tasks.only_in_python", [1, 2]);
        var rejected = (await signals.RejectionsAsync(1))[0];
        var good = await _good.DelayAsync();
        await signals.CompletedAsync(good.Id);

        rejected.TaskId.Should().Be(unknown.Id);
        rejected.State.Should().Be(TaskStates.Failure);
        rejected.Reason.Should().Contain("tasks.only_in_python");
        var meta = await _h.StoredAsync(unknown.Id);
        meta.Status.Should().Be(TaskStates.Failure);
        meta.Result!.ToJsonString().Should().Be("""{"exc_type":"NotRegistered","exc_message":["tasks.only_in_python"],"exc_module":"celery.exceptions"}""");
        _h.Broker.DeadLetters.Select(m => m.Message!.Headers["id"]!.GetValue<string>()).Should().Equal(unknown.Id);
        _h.Broker.Depth("celery").Should().Be(0);
        (await good.GetAsync(TimeSpan.FromSeconds(1))).Should().Be("still running");
    }

    [Fact]
    public void Pickle_is_refused_even_when_accept_content_lists_it()
    {
        _h.App.Options.AcceptContent.Should().Contain("pickle");
        _h.App.Options.AcceptedContentTypes.Should().NotContain(ContentTypes.Pickle).And.Contain(ContentTypes.Json);
    }

    [Fact]
    public async Task A_protocol_v1_body_is_still_accepted()
    {
        var (_, signals) = await _h.StartWorkerAsync();
        _h.App.Task("bad.v1", (int x, int y) => x + y);

        _h.Broker.Enqueue("celery", Raw(new JsonObject(), """{"task": "bad.v1", "id": "v1-id", "args": [2], "kwargs": {"y": 3}, "retries": 0}"""));
        await signals.CompletedAsync("v1-id");

        (await _h.App.Result<int>("v1-id").GetAsync(TimeSpan.FromSeconds(1))).Should().Be(5);
    }
}
