using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <summary>
/// What every <see cref="IBroadcast"/> must do (docs/architecture.md#seams, docs/protocol.md §2.6): fanout for events and remote
/// control. A transport subclasses this by saying how to connect and how to read an exchange's
/// bindings. Exchanges are fresh per test (<see cref="NewExchangeName"/>), so one broker serves
/// all tests. Wildcards are only tested where AMQP and Redis glob patterns agree (one-word
/// routing-key tails), because kombu subscribes with Redis globs (docs/protocol.md §2.6).
/// </summary>
public abstract partial class BroadcastComplianceTests : IAsyncLifetime
{
    /// <summary>How long any single expectation may take.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<IBroadcastSubscription> _subscriptions = [];
    private IBroadcast? _broadcast;

    /// <summary>Connects a new broadcast (usually the transport) to the broker under test.</summary>
    private protected abstract ValueTask<IBroadcast> CreateBroadcastAsync();

    /// <summary>Disposes what <see cref="CreateBroadcastAsync"/> returned.</summary>
    private protected virtual ValueTask DisposeBroadcastAsync(IBroadcast broadcast) =>
        broadcast is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>The bindings the broker keeps for an exchange, as (binding key, queue).</summary>
    protected abstract Task<IReadOnlyCollection<(string BindingKey, string Queue)>> GetBindingsAsync(string exchange);

    /// <summary>An exchange name no other test uses.</summary>
    protected virtual string NewExchangeName() => $"cx-{Guid.NewGuid():N}";

    /// <summary>The broadcast of this test.</summary>
    private protected IBroadcast Broadcast => _broadcast ?? throw new InvalidOperationException("created in InitializeAsync");

    /// <summary>Subscribes; the subscription is disposed after the test unless the test does it first.</summary>
    private protected async Task<IBroadcastSubscription> SubscribeAsync(string exchange, string bindingKey, string? queue = null)
    {
        var subscription = await Broadcast.SubscribeAsync(exchange, bindingKey, queue ?? $"{exchange}.{Guid.NewGuid():N}");
        lock (_subscriptions) _subscriptions.Add(subscription);
        return subscription;
    }

    /// <summary>An event-like message whose <c>x_id</c> header tells it apart.</summary>
    private protected static BrokerMessage Event(string id, string type = "worker-heartbeat") =>
        new(new JsonObject { ["hostname"] = "celeriac@compliance", ["x_id"] = id },
            new MessageProperties { DeliveryMode = 1 },
            System.Text.Encoding.UTF8.GetBytes($$"""{"type": "{{type}}", "x_id": "{{id}}", "text": "é ✓"}"""));

    /// <summary>Publishes an event and returns its id.</summary>
    protected async Task<string> PublishAsync(string exchange, string routingKey)
    {
        var id = Guid.NewGuid().ToString("N");
        await Broadcast.PublishAsync(exchange, routingKey, Event(id));
        return id;
    }

    /// <summary>Receives one message or fails after <see cref="Timeout"/>.</summary>
    private protected static async Task<BroadcastMessage> ReceiveAsync(IBroadcastSubscription subscription)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var message = await subscription.ReceiveAsync(cts.Token);
        message.Should().NotBeNull($"a message was expected within {Timeout}");
        return message!;
    }

    /// <summary>The id of a received message.</summary>
    private protected static string IdOf(BroadcastMessage message)
    {
        message.Malformed.Should().BeNull();
        return message.Message!.Headers["x_id"]!.GetValue<string>();
    }

    /// <summary>
    /// Proves a subscription got nothing before a sentinel: publishes a sentinel it matches and
    /// checks that the sentinel is the next thing it receives.
    /// </summary>
    private protected async Task ShouldHaveReceivedNothingBeforeAsync(IBroadcastSubscription subscription, string exchange, string sentinelKey)
    {
        var sentinel = await PublishAsync(exchange, sentinelKey);
        IdOf(await ReceiveAsync(subscription)).Should().Be(sentinel, "nothing but the sentinel may have arrived");
    }

    [Fact]
    public async Task Published_message_reaches_a_subscriber_unchanged()
    {
        var exchange = NewExchangeName();
        var subscription = await SubscribeAsync(exchange, "#");
        var sent = Event("one", "task-succeeded");

        await Broadcast.PublishAsync(exchange, "task.succeeded", sent);
        var got = await ReceiveAsync(subscription);

        got.Exchange.Should().Be(exchange);
        got.RoutingKey.Should().Be("task.succeeded");
        got.Malformed.Should().BeNull();
        JsonNode.DeepEquals(got.Message!.Headers, sent.Headers).Should().BeTrue();
        got.Message.Body.ToArray().Should().Equal(sent.Body.ToArray());
        got.Message.ContentType.Should().Be(ContentTypes.Json);
        got.Message.Properties.DeliveryMode.Should().Be(1);
    }

    [Fact]
    public async Task Publish_reaches_matching_subscribers_only()
    {
        var exchange = NewExchangeName();
        var heartbeats = await SubscribeAsync(exchange, "worker.heartbeat");
        var tasks = await SubscribeAsync(exchange, "task.succeeded");

        var id = await PublishAsync(exchange, "worker.heartbeat");

        IdOf(await ReceiveAsync(heartbeats)).Should().Be(id);
        await ShouldHaveReceivedNothingBeforeAsync(tasks, exchange, "task.succeeded");
    }

    [Fact]
    public async Task Every_matching_subscriber_gets_its_own_copy()
    {
        var exchange = NewExchangeName();
        var first = await SubscribeAsync(exchange, "#");
        var second = await SubscribeAsync(exchange, "worker.*");

        var id = await PublishAsync(exchange, "worker.online");

        var a = await ReceiveAsync(first);
        var b = await ReceiveAsync(second);
        IdOf(a).Should().Be(id);
        IdOf(b).Should().Be(id);
        a.Message!.Headers["x_id"] = "changed";
        IdOf(b).Should().Be(id, "subscribers do not share the message");
    }

    [Fact]
    public async Task Hash_matches_every_routing_key()
    {
        var exchange = NewExchangeName();
        var all = await SubscribeAsync(exchange, "#");

        var sent = new[] { await PublishAsync(exchange, "worker.online"), await PublishAsync(exchange, "task.sent"), await PublishAsync(exchange, "a.b.c.d") };

        var got = new[] { IdOf(await ReceiveAsync(all)), IdOf(await ReceiveAsync(all)), IdOf(await ReceiveAsync(all)) };
        got.Should().Equal(sent);
    }

    [Fact]
    public async Task Star_and_hash_after_a_prefix_match_that_prefix_only()
    {
        var exchange = NewExchangeName();
        var star = await SubscribeAsync(exchange, "worker.*");
        var hash = await SubscribeAsync(exchange, "worker.#");

        await PublishAsync(exchange, "task.sent");
        await PublishAsync(exchange, "workers.online");
        var id = await PublishAsync(exchange, "worker.online");

        IdOf(await ReceiveAsync(star)).Should().Be(id, "task.sent and workers.online do not match worker.*");
        IdOf(await ReceiveAsync(hash)).Should().Be(id, "task.sent and workers.online do not match worker.#");
    }

    [Fact]
    public async Task Empty_binding_key_receives_everything_published_to_the_exchange()
    {
        var exchange = NewExchangeName();
        var all = await SubscribeAsync(exchange, "");

        var sent = new[] { await PublishAsync(exchange, ""), await PublishAsync(exchange, "worker.heartbeat") };

        new[] { IdOf(await ReceiveAsync(all)), IdOf(await ReceiveAsync(all)) }.Should().Equal(sent);
    }

    [Fact]
    public async Task Exchanges_are_separate()
    {
        var mine = NewExchangeName();
        var other = NewExchangeName();
        var subscription = await SubscribeAsync(mine, "#");

        await PublishAsync(other, "worker.online");

        await ShouldHaveReceivedNothingBeforeAsync(subscription, mine, "worker.online");
    }

    [Fact]
    public async Task Subscribing_records_the_binding_and_disposing_stops_delivery_and_removes_it()
    {
        var exchange = NewExchangeName();
        var queue = $"celeryev.{Guid.NewGuid():N}";
        var leaving = await Broadcast.SubscribeAsync(exchange, "worker.#", queue);
        var staying = await SubscribeAsync(exchange, "#");

        (await GetBindingsAsync(exchange)).Should().Contain(("worker.#", queue));
        await leaving.DisposeAsync();

        (await GetBindingsAsync(exchange)).Should().NotContain(b => b.Queue == queue);
        var id = await PublishAsync(exchange, "worker.online");
        IdOf(await ReceiveAsync(staying)).Should().Be(id);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        (await leaving.ReceiveAsync(cts.Token)).Should().BeNull("a disposed subscription receives nothing");
    }

    [Fact]
    public async Task Cancelled_receive_returns_null()
    {
        var subscription = await SubscribeAsync(NewExchangeName(), "#");
        using var cts = new CancellationTokenSource();

        var receiving = subscription.ReceiveAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        (await receiving.WaitAsync(Timeout)).Should().BeNull();
    }

    [Fact]
    public async Task Many_messages_arrive_in_publish_order()
    {
        const int count = 500;
        var exchange = NewExchangeName();
        var subscription = await SubscribeAsync(exchange, "task.#");

        var sent = new List<string>(count);
        for (var i = 0; i < count; i++) sent.Add(await PublishAsync(exchange, i % 2 == 0 ? "task.sent" : "task.started"));

        var got = new List<string>(count);
        for (var i = 0; i < count; i++) got.Add(IdOf(await ReceiveAsync(subscription)));
        got.Should().Equal(sent);
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _broadcast = await CreateBroadcastAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var subscription in _subscriptions) await subscription.DisposeAsync();
        if (_broadcast is not null) await DisposeBroadcastAsync(_broadcast);
    }
}
