using System.Diagnostics;
using Celeriac.Events;
using Celeriac.Memory;
using Celeriac.Protocol.Events;
using Celeriac.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Tests.Events;

/// <summary>A broker that takes no events never stalls or fails a task; events wait in a bounded buffer, the oldest dropped and counted.</summary>
public sealed class EventOutageTests : IAsyncLifetime
{
    private OutageBroadcastTransport _transport = null!;
    private TestHarness _h = null!;

    public Task InitializeAsync()
    {
        _h = TestHarness.Create(o =>
        {
            o.WorkerSendTaskEvents = true;
            o.Providers.AddTransport("memory", c => _transport = new OutageBroadcastTransport(InMemoryBroker.Named(c.Url.Host).CreateTransport()));
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Tasks_run_on_at_full_speed_while_event_publishes_hang_and_events_flow_again_after()
    {
        var task = _h.App.Task("ev.outage", (int i) => i);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.SendEvents = true; w.Concurrency = 4; });
        await using var sink = await EventSink.StartAsync(_h.App);
        _transport.Down = true;

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 500; i++) await task.DelayAsync(i);
        await signals.CompletionsAsync(500, TimeSpan.FromSeconds(30));
        watch.Stop();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(9), "no task waited for the 10 s publish timeout");
        _transport.FailedAttempts.Should().BeGreaterThan(0);
        worker.Processed.Should().Be(500);

        _transport.Down = false;
        var last = (await task.DelayAsync(-1)).Id;
        await sink.WaitForAsync("task-succeeded", e => (string?)e["uuid"] == last, TimeSpan.FromSeconds(30));
        worker.EventsDropped.Should().Be(0, "1,503 events fit the buffer");
        sink.OfType("task-succeeded").Count.Should().Be(501);
    }

    [Fact]
    public async Task A_full_buffer_drops_the_oldest_events_counts_them_and_never_blocks_the_sender()
    {
        var broker = InMemoryBroker.Named(Guid.NewGuid().ToString("N"));
        var transport = new OutageBroadcastTransport(broker.CreateTransport()) { Down = true };
        await using var sink = await SinkOn(transport);
        var dispatcher = new EventDispatcher(transport, "celeriac@outage", new LamportClock(), TimeProvider.System, NullLogger.Instance, capacity: 100);

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++) dispatcher.Send("task-started", TaskEventBodies.Started(i.ToString()));
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        dispatcher.Dropped.Should().Be(900);
        dispatcher.Pending.Should().Be(100);

        transport.Down = false;
        (await dispatcher.FlushAsync(TimeSpan.FromSeconds(30))).Should().BeTrue();
        await Until.TrueAsync(() => sink.Events.Count >= 100, $"the 100 held events arrive (so far {sink.Events.Count}, published {dispatcher.Published}, pending {dispatcher.Pending})");
        // What arrives is the round the loop had already handed to the broker when the outage began
        // (never dropped: it could be published any moment) and then the newest events, in order;
        // every other event was dropped and counted, none is both.
        var received = sink.Events.Select(e => int.Parse((string)e["uuid"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        received.Should().HaveCount(100).And.BeInAscendingOrder().And.OnlyHaveUniqueItems();
        var newest = received.AsEnumerable().Reverse().TakeWhile((id, index) => id == 999 - index).Count();
        var round = received.Take(100 - newest).ToList();
        round.Should().Equal(Enumerable.Range(round.FirstOrDefault(), round.Count), "the round in flight is one run of events, the rest are the newest");
        dispatcher.Published.Should().Be(100);
        await dispatcher.DisposeAsync();
    }

    [Fact]
    public async Task A_stop_waits_a_bounded_time_for_a_broker_that_takes_nothing()
    {
        var task = _h.App.Task("ev.stop", () => 1);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.SendEvents = true);
        _transport.Down = true;
        await signals.CompletedAsync((await task.DelayAsync()).Id);
        var watch = Stopwatch.StartNew();
        await worker.StopAsync();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    private static async Task<EventSink> SinkOn(Celeriac.Transport.IBroadcast broadcast) => await EventSink.StartAsync(broadcast);
}
