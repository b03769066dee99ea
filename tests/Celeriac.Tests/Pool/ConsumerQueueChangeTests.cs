using Celeriac.Memory;
using Celeriac.Tests.Support;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Tests.Pool;

/// <summary>add_consumer and cancel_consumer on the in-memory transport: the worker's queues change while it runs.</summary>
public sealed class ConsumerQueueChangeTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static TaskSendOptions To(string queue) => new() { Queue = queue };

    [Fact]
    public async Task A_queue_added_at_run_time_is_declared_and_drained_and_a_second_add_is_refused()
    {
        var add = _h.App.Task("q.add", (int a, int b) => a + b);
        var (worker, signals) = await _h.StartWorkerAsync();
        var waiting = new List<AsyncResult<int>>();
        for (var i = 0; i < 5; i++) waiting.Add(await add.ApplyAsync(i, i, To("extra")));
        await Until.QuietWindowAsync();
        _h.Broker.Depth("extra").Should().Be(5, "the worker does not consume 'extra' yet");

        (await worker.AddQueueAsync("extra", CancellationToken.None)).Should().BeTrue();

        worker.ConsumingQueues.Should().Equal("celery", "extra");
        await signals.CompletionsAsync(5);
        for (var i = 0; i < 5; i++) (await waiting[i].GetAsync(TimeSpan.FromSeconds(5))).Should().Be(2 * i);
        (await worker.AddQueueAsync("extra", CancellationToken.None)).Should().BeFalse("it is consumed already");
        worker.ConsumingQueues.Should().Equal("celery", "extra");
    }

    [Fact]
    public async Task A_cancelled_queue_is_no_longer_taken_from_and_the_others_go_on()
    {
        var add = _h.App.Task("q.cancel", (int a, int b) => a + b);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Queues = ["celery", "side"]);
        var before = await add.ApplyAsync(1, 1, To("side"));
        await signals.CompletedAsync(before.Id);

        (await worker.CancelQueueAsync("side", CancellationToken.None)).Should().BeTrue();

        worker.ConsumingQueues.Should().Equal("celery");
        await add.ApplyAsync(2, 2, To("side"));
        var main = await add.ApplyAsync(3, 3);
        await signals.CompletedAsync(main.Id);
        await Until.QuietWindowAsync();
        _h.Broker.Depth("side").Should().Be(1, "nothing is taken from a cancelled queue");
        (await worker.CancelQueueAsync("side", CancellationToken.None)).Should().BeFalse("it was not consumed");
    }

    [Fact]
    public async Task With_every_queue_cancelled_the_worker_idles_and_an_added_one_wakes_it()
    {
        var add = _h.App.Task("q.none", (int a, int b) => a + b);
        var (worker, signals) = await _h.StartWorkerAsync();
        (await worker.CancelQueueAsync("celery", CancellationToken.None)).Should().BeTrue();
        worker.ConsumingQueues.Should().BeEmpty();
        await add.DelayAsync(1, 2);
        await Until.QuietWindowAsync();
        _h.Broker.Depth("celery").Should().Be(1);

        (await worker.AddQueueAsync("celery", CancellationToken.None)).Should().BeTrue();
        await signals.CompletionsAsync(1);
        _h.Broker.Depth("celery").Should().Be(0);
    }

    [Fact]
    public async Task A_receive_waiting_on_empty_queues_is_woken_by_an_added_queue_with_messages()
    {
        await _h.App.Transport.DeclareQueueAsync("empty");
        await _h.App.SendTaskAsync("q.raw", [1], options: To("full"));
        var consumer = await _h.App.Transport.ConsumeAsync(["empty"]);
        var queues = (IQueueSetConsumer)consumer;
        var receiving = consumer.ReceiveAsync(10, CancellationToken.None).AsTask();
        await Until.QuietWindowAsync();
        receiving.IsCompleted.Should().BeFalse();

        (await queues.AddQueueAsync("full")).Should().BeTrue();

        var got = await receiving.WaitAsync(TimeSpan.FromSeconds(5));
        got.Should().ContainSingle().Which.Queue.Should().Be("full");
        queues.Queues.Should().Equal("empty", "full");
        (await queues.CancelQueueAsync("full")).Should().BeTrue();
        // Taken before the cancel: still the consumer's to settle, and given back to its queue on close.
        await consumer.DisposeAsync();
        InMemoryBroker.Named(_h.Name).Depth("full").Should().Be(1);
    }
}
