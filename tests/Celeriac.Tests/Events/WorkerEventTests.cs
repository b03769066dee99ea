using System.Text.Json.Nodes;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.TestSupport;
using Celeriac.Worker;

namespace Celeriac.Tests.Events;

/// <summary>
/// worker-online, worker-heartbeat every freq seconds on the app's clock, worker-offline on a clean
/// stop, and the heartbeat the <c>heartbeat</c> command asks for (docs/protocol.md §6.4), on the in-memory broker.
/// </summary>
public sealed class WorkerEventTests : IAsyncLifetime
{
    private readonly VirtualClock _clock = new();
    private TestHarness _h = null!;
    private EventSink _sink = null!;

    public async Task InitializeAsync()
    {
        _h = TestHarness.Create(o => o.TimeProvider = _clock);
        _sink = await EventSink.StartAsync(_h.App);
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        await _h.DisposeAsync();
    }

    internal static string[] Keys(JsonObject o) => o.Select(p => p.Key).ToArray();

    /// <summary>The keys, in order, of the event of <paramref name="type"/> in a captured vector.</summary>
    internal static string[] VectorKeys(string vector, string type)
    {
        var body = GoldenVectors.Load(vector)["event"]!["body_decoded"]!;
        var e = body is JsonArray a ? a.Select(x => (JsonObject)x!).First(x => (string?)x["type"] == type) : (JsonObject)body;
        return Keys(e);
    }

    [Fact]
    public async Task Online_then_a_heartbeat_every_2_s_of_the_apps_clock_then_offline_with_Celerys_fields()
    {
        var (worker, _) = await _h.StartWorkerAsync(w => { w.SendEvents = true; w.Hostname = "celeriac@events"; });
        var online = await _sink.WaitForAsync("worker-online");
        Keys(online).Should().Equal(VectorKeys("event_worker_online", "worker-online"));
        online["hostname"]!.GetValue<string>().Should().Be("celeriac@events");
        online["freq"]!.ToJsonString().Should().Be("2.0");
        online["sw_ident"]!.GetValue<string>().Should().Be("celeriac");
        online["sw_ver"]!.GetValue<string>().Should().NotContain("+").And.NotBeEmpty();
        online["sw_sys"]!.GetValue<string>().Should().Be(OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "Darwin" : "Linux");
        online["pid"]!.GetValue<int>().Should().Be(Environment.ProcessId);
        online["utcoffset"]!.GetValue<int>().Should().Be(0); // the virtual clock's zone is UTC
        online["timestamp"]!.GetValue<double>().Should().BeApproximately(_clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, 0.001);
        online["loadavg"]!.AsArray().Should().HaveCount(3);
        var headers = _sink.Messages.First(m => m.RoutingKey == "worker.online");
        headers.Headers.ToJsonString().Should().Be("""{"hostname":"celeriac@events"}""");
        headers.DeliveryMode.Should().Be(1);

        _sink.OfType("worker-heartbeat").Should().BeEmpty();
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(1.9));
        await Until.QuietWindowAsync();
        _sink.OfType("worker-heartbeat").Should().BeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        var beat = await _sink.WaitForAsync("worker-heartbeat");
        Keys(beat).Should().Equal(VectorKeys("event_worker_heartbeat", "worker-heartbeat"));
        beat["clock"]!.GetValue<long>().Should().BeGreaterThan(online["clock"]!.GetValue<long>());
        _sink.Messages.Single(m => m.RoutingKey == "worker.heartbeat").Body.Should().BeOfType<JsonObject>("worker events go one per message");

        await _clock.WaitForTimersAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await Until.TrueAsync(() => _sink.OfType("worker-heartbeat").Count == 2, "a second heartbeat");

        await worker.StopAsync();
        var offline = await _sink.WaitForAsync("worker-offline");
        Keys(offline).Should().Equal(VectorKeys("event_worker_offline", "worker-offline"));
        var clocks = _sink.Events.Select(e => e["clock"]!.GetValue<long>()).ToArray();
        clocks.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task The_heartbeat_interval_is_configurable_and_sent_as_freq()
    {
        await _h.StartWorkerAsync(w => { w.SendEvents = true; w.HeartbeatInterval = TimeSpan.FromSeconds(5); });
        (await _sink.WaitForAsync("worker-online"))["freq"]!.ToJsonString().Should().Be("5.0");
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(4));
        await Until.QuietWindowAsync();
        _sink.OfType("worker-heartbeat").Should().BeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(1));
        (await _sink.WaitForAsync("worker-heartbeat"))["freq"]!.ToJsonString().Should().Be("5.0");
    }

    [Fact]
    public async Task Active_and_processed_count_what_the_worker_runs()
    {
        var gate = new TaskCompletionSource();
        var slow = _h.App.Task("ev.slow", async () => { await gate.Task; return 1; });
        var quick = _h.App.Task("ev.quick", () => 2);
        var (_, signals) = await _h.StartWorkerAsync(w => w.SendEvents = true);
        await signals.CompletedAsync((await quick.DelayAsync()).Id);
        var running = await slow.DelayAsync();
        await signals.WaitForAsync(WorkerSignalKind.Started, running.Id);

        await _clock.WaitForTimersAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(2));
        var beat = await _sink.WaitForAsync("worker-heartbeat");
        beat["active"]!.GetValue<int>().Should().Be(1);
        beat["processed"]!.GetValue<long>().Should().Be(2, "as Celery counts it: tasks accepted, the running one included");
        gate.SetResult();
    }

    [Fact]
    public async Task The_requested_heartbeat_has_the_heartbeat_commands_shape()
    {
        var (worker, _) = await _h.StartWorkerAsync(w => w.SendEvents = true);
        await _sink.WaitForAsync("worker-online");
        worker.SendRequestedHeartbeat();
        var beat = await _sink.WaitForAsync("worker-heartbeat");
        Keys(beat).Should().Equal(VectorKeys("event_worker_heartbeat_from_control", "worker-heartbeat"));
        beat["freq"]!.ToJsonString().Should().Be("5");
    }

    [Fact]
    public async Task A_worker_with_events_off_sends_none()
    {
        var (worker, _) = await _h.StartWorkerAsync(w => { w.SendEvents = false; w.SendTaskEvents = true; });
        var task = _h.App.Task("ev.off", () => 1);
        await task.DelayAsync();
        await Until.TrueAsync(() => worker.Processed == 1, "the task ran");
        await worker.StopAsync();
        await Until.QuietWindowAsync();
        _sink.Messages.Should().BeEmpty();
        worker.TaskEventsEnabled.Should().BeFalse();
        worker.SetTaskEvents(true).Should().BeFalse("events are off altogether");
    }
}
