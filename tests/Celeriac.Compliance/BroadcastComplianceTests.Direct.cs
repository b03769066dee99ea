using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <content>
/// Direct sends and reply queues (docs/protocol.md §7.1, §7.4): how a worker's control replies reach the one
/// client that asked, through a queue bound to <c>reply.celery.pidbox</c> with the client's oid.
/// </content>
public abstract partial class BroadcastComplianceTests
{
    /// <summary>Opens a reply queue the way a control client does; disposed after the test.</summary>
    private protected async Task<IBroadcastSubscription> OpenDirectAsync(string exchange, string routingKey)
    {
        var queue = await Broadcast.OpenDirectQueueAsync(exchange, routingKey, $"{routingKey}.{exchange}");
        lock (_subscriptions) _subscriptions.Add(queue);
        return queue;
    }

    private async Task<string> SendDirectAsync(string exchange, string routingKey)
    {
        var id = Guid.NewGuid().ToString("N");
        await Broadcast.SendDirectAsync(exchange, routingKey, Event(id));
        return id;
    }

    [Fact]
    public async Task Direct_send_reaches_only_the_queue_bound_with_its_routing_key()
    {
        var exchange = NewExchangeName();
        var mine = await OpenDirectAsync(exchange, "oid-mine");
        var other = await OpenDirectAsync(exchange, "oid-other");

        var id = await SendDirectAsync(exchange, "oid-mine");

        var got = await ReceiveAsync(mine);
        IdOf(got).Should().Be(id);
        got.Message!.Body.ToArray().Should().Equal(Event(id).Body.ToArray());
        var sentinel = await SendDirectAsync(exchange, "oid-other");
        IdOf(await ReceiveAsync(other)).Should().Be(sentinel, "the other client's queue got nothing before");
    }

    [Fact]
    public async Task Direct_send_without_a_bound_queue_is_dropped()
    {
        var exchange = NewExchangeName();

        await SendDirectAsync(exchange, "oid-gone"); // the client has gone: no error, nothing kept

        var queue = await OpenDirectAsync(exchange, "oid-gone");
        var id = await SendDirectAsync(exchange, "oid-gone");
        IdOf(await ReceiveAsync(queue)).Should().Be(id, "what was sent before the queue existed is not delivered");
    }

    [Fact]
    public async Task Direct_messages_arrive_in_send_order()
    {
        const int count = 200;
        var exchange = NewExchangeName();
        var queue = await OpenDirectAsync(exchange, "oid-order");

        var sent = new List<string>(count);
        for (var i = 0; i < count; i++) sent.Add(await SendDirectAsync(exchange, "oid-order"));

        var got = new List<string>(count);
        for (var i = 0; i < count; i++) got.Add(IdOf(await ReceiveAsync(queue)));
        got.Should().Equal(sent);
    }

    [Fact]
    public async Task Opening_a_direct_queue_records_the_binding_and_disposing_removes_it()
    {
        var exchange = NewExchangeName();
        var queue = await Broadcast.OpenDirectQueueAsync(exchange, "oid-bound", "oid-bound.reply.celery.pidbox");

        (await GetBindingsAsync(exchange)).Should().Contain(("oid-bound", "oid-bound.reply.celery.pidbox"));
        await queue.DisposeAsync();

        (await GetBindingsAsync(exchange)).Should().NotContain(b => b.Queue == "oid-bound.reply.celery.pidbox");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        (await queue.ReceiveAsync(cts.Token)).Should().BeNull("a disposed reply queue receives nothing");
    }

    [Fact]
    public async Task Cancelled_direct_receive_returns_null()
    {
        var queue = await OpenDirectAsync(NewExchangeName(), "oid-cancel");
        using var cts = new CancellationTokenSource();

        var receiving = queue.ReceiveAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        (await receiving.WaitAsync(Timeout)).Should().BeNull();
    }
}
