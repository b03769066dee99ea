using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Events;
using Celeriac.Protocol.Messages;
using Celeriac.Testing;
using Celeriac.TestSupport;
using Celeriac.Transport;

namespace Celeriac.Tests.Events;

/// <summary>The event receiver on the in-memory transport, fed Python's captured events (docs/protocol.md §6).</summary>
public sealed class EventReceiverTests : IAsyncLifetime
{
    private readonly VirtualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private CeleriacApp _app = null!;


    private async Task PublishAsync(string routingKey, string body)
    {
        var message = new BrokerMessage(new JsonObject { ["hostname"] = "celery@testhost" }, new MessageProperties { DeliveryMode = 1 }, Encoding.UTF8.GetBytes(body));
        await ((IBroadcast)_app.Transport).PublishAsync("celeryev", routingKey, message);
    }

    private static async Task<List<CeleryEventInfo>> TakeAsync(EventReceiver receiver, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var got = new List<CeleryEventInfo>();
        await foreach (var e in receiver.ReadAllAsync(cts.Token))
        {
            got.Add(e);
            if (got.Count == count) break;
        }
        return got;
    }

    [Fact]
    public async Task Reads_single_events_and_task_multi_batches_and_skips_malformed_bodies()
    {
        await using var receiver = await EventReceiver.OpenAsync(_app);

        await PublishAsync("worker.heartbeat", """{"hostname": "celery@w", "utcoffset": 0, "pid": 7, "clock": 40, "freq": 2.0, "active": 1, "processed": 9, "loadavg": [0.5, 0.25, 0.1], "sw_ident": "py-celery", "sw_ver": "5.2.6", "sw_sys": "Linux", "timestamp": 1800000000.5, "type": "worker-heartbeat"}""");
        await PublishAsync("task.multi", "not json");
        await PublishAsync("task.multi", """[{"hostname": "celery@w", "utcoffset": 0, "pid": 7, "clock": 41, "uuid": "t1", "name": "tasks.add", "args": "(1, 2)", "kwargs": "{}", "root_id": "t1", "parent_id": null, "retries": 0, "eta": null, "expires": null, "timestamp": 1800000001.0, "type": "task-received"}, {"hostname": "celery@w", "utcoffset": 0, "pid": 7, "clock": 42, "uuid": "t1", "result": "3", "runtime": 0.01, "timestamp": 1800000001.5, "type": "task-succeeded"}]""");

        var events = await TakeAsync(receiver, 3);

        events.Select(e => e.Type).Should().Equal("worker-heartbeat", "task-received", "task-succeeded");
        var hb = events[0];
        (hb.Group, hb.Subject, hb.Hostname, hb.Freq, hb.Active, hb.Processed, hb.SoftwareIdent).Should().Be(("worker", "heartbeat", "celery@w", 2.0, 1L, 9L, "py-celery"));
        hb.LoadAverage.Should().Equal(0.5, 0.25, 0.1);
        hb.LocalReceived.Should().Be(1_800_000_000);
        hb.Raw["local_received"].Should().NotBeNull();
        events[1].TaskName.Should().Be("tasks.add");
        events[1].Args.Should().Be("(1, 2)");
        events[2].Result.Should().Be("3");
        events[2].Runtime.Should().Be(0.01);
        _app.Clock.Value.Should().BeGreaterThan(42, "each event adjusted the receiver's clock");
    }

    [Fact]
    public async Task Timestamps_shift_by_the_utcoffset_difference_and_task_sent_takes_our_clock()
    {
        await using var receiver = await EventReceiver.OpenAsync(_app);
        var here = Protocol.Events.CeleryEvent.LocalUtcOffset(_clock.GetLocalNow());
        _app.Clock.Adjust(99);
        var ours = _app.Clock.Value;

        await PublishAsync("task.sent", $$"""{"hostname": "gen1@client", "utcoffset": {{here - 2}}, "pid": 1, "clock": 5000, "uuid": "t9", "timestamp": 1000.0, "type": "task-sent"}""");
        await PublishAsync("worker.online", $$"""{"hostname": "celery@w", "utcoffset": {{here}}, "pid": 1, "clock": 3, "timestamp": 2000.0, "type": "worker-online"}""");

        var events = await TakeAsync(receiver, 2);

        events[0].Timestamp.Should().Be(1000.0 + 2 * 3600, "a sender two hours east of us is shifted");
        events[0].Clock.Should().Be(ours - 1, "a client's clock is replaced by ours minus one (CLIENT_CLOCK_SKEW)");
        events[1].Timestamp.Should().Be(2000.0);
        events[1].Clock.Should().Be(3);
    }

    [Fact]
    public async Task Binding_key_selects_the_events_and_pythons_captured_events_read()
    {
        await using var workers = await EventReceiver.OpenAsync(_app, "worker.#");
        await PublishAsync("task.started", """{"hostname": "celery@w", "uuid": "x", "timestamp": 1.0, "utcoffset": 0, "clock": 1, "type": "task-started"}""");
        await PublishAsync("worker.offline", """{"hostname": "celery@w", "timestamp": 1.0, "utcoffset": 0, "clock": 2, "type": "worker-offline"}""");

        (await TakeAsync(workers, 1)).Single().Type.Should().Be("worker-offline");
    }

    [Fact]
    public async Task Every_event_pythons_worker_sent_is_read_with_its_fields()
    {
        await using var receiver = await EventReceiver.OpenAsync(_app);
        var expected = new List<JsonObject>();
        foreach (var name in GoldenVectors.Names().Where(n => n.StartsWith("event_", StringComparison.Ordinal)))
        {
            var captured = GoldenVectors.Load(name)["event"]!;
            var body = captured["body_decoded"]!;
            expected.AddRange(body is JsonArray many ? many.Select(e => e!.AsObject()) : [body.AsObject()]);
            await PublishAsync(body is JsonArray ? "task.multi" : body["type"]!.GetValue<string>().Replace('-', '.'), captured["body_json_text"]!.GetValue<string>());
        }

        var events = await TakeAsync(receiver, expected.Count);

        events.Select(e => e.Type).Should().Equal(expected.Select(e => e["type"]!.GetValue<string>()));
        events.Select(e => e.TaskId).Should().Equal(expected.Select(e => e["uuid"]?.GetValue<string>()));
        events.Where(e => e.Type == "worker-heartbeat").Should().AllSatisfy(e => e.SoftwareIdent.Should().Be("py-celery"));
    }

    public async Task InitializeAsync()
    {
        _app = CeleriacApp.Create(o => { o.BrokerUrl = $"memory://{Guid.NewGuid():N}"; o.TimeProvider = _clock; });
        await Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();
}
