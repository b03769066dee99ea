using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <summary>
/// What every <see cref="ITransport"/> must do (docs/architecture.md#seams, docs/protocol.md §2.3–2.4). A transport subclasses
/// this in a few lines by saying how to connect, for example:
/// <code>
/// public sealed class RedisTransportComplianceTests(RedisServerFixture redis)
///     : TransportComplianceTests, IClassFixture&lt;RedisServerFixture&gt;
/// {
///     protected override ValueTask&lt;ITransport&gt; CreateTransportAsync() =>
///         ValueTask.FromResult&lt;ITransport&gt;(new RedisTransport(redis.Url));
/// }
/// </code>
/// Every call of the factory must return a new transport on the same broker (tests use several to
/// play separate workers). Each test uses fresh queue names (<see cref="NewQueueName"/>), so one
/// broker can serve all tests, also in parallel. A completed <c>PublishAsync</c> must mean the
/// message is in its queue (publisher confirms on AMQP), as the tests read depth right after it.
/// </summary>
public abstract partial class TransportComplianceTests : IAsyncLifetime
{
    /// <summary>How long any single expectation may take; generous, as nothing here sleeps.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<ITransport> _transports = [];
    private readonly List<ITransportConsumer> _consumers = [];
    private readonly List<string> _queues = [];
    private ITransport? _transport;

    /// <summary>Connects a new transport to the broker under test.</summary>
    private protected abstract ValueTask<ITransport> CreateTransportAsync();

    /// <summary>
    /// Whether a requeued message goes to the back of its queue, as kombu's requeue does on Redis and
    /// in memory. AMQP cannot: <c>basic.reject(requeue=true)</c> puts a message back at its original
    /// position, and putting it at the back would mean republishing it, which loses its redelivered
    /// flag. Brokers that answer false must still bring it back, marked redelivered, and lose nothing.
    /// </summary>
    protected virtual bool RequeueGoesToTheBack => true;

    /// <summary>
    /// Whether messages a consumer never handed out come back unmarked (not redelivered) when it
    /// closes. An AMQP consumer holds messages the broker pushed ahead of the worker's receives (its
    /// prefetch); closing the channel requeues them in order, but the broker marks every message it
    /// delivered once as redelivered. Brokers that answer false must still restore them, in order.
    /// </summary>
    protected virtual bool ClosingLeavesUntakenMessagesUnmarked => true;

    /// <summary>A queue name no other test uses.</summary>
    protected virtual string NewQueueName() => $"cq-{Guid.NewGuid():N}";

    /// <summary>The transport of this test (created before it runs).</summary>
    private protected ITransport Transport => _transport ?? throw new InvalidOperationException("the transport is created in InitializeAsync");

    /// <summary>Another transport on the same broker, disposed after the test.</summary>
    private protected async Task<ITransport> CreateExtraTransportAsync()
    {
        var transport = await CreateTransportAsync();
        lock (_transports) _transports.Add(transport);
        return transport;
    }

    /// <summary>Declares a fresh queue; it is purged after the test.</summary>
    protected async Task<string> DeclareNewQueueAsync()
    {
        var queue = NewQueueName();
        await Transport.DeclareQueueAsync(queue);
        lock (_queues) _queues.Add(queue);
        return queue;
    }

    /// <summary>Opens a consumer that is disposed after the test unless the test closes it first.</summary>
    private protected async Task<ITransportConsumer> ConsumeAsync(params string[] queues) => await ConsumeAsync(Transport, queues);

    /// <summary>Opens a consumer on a given transport; disposed after the test unless closed first.</summary>
    private protected async Task<ITransportConsumer> ConsumeAsync(ITransport transport, params string[] queues)
    {
        var consumer = await transport.ConsumeAsync(queues);
        lock (_consumers) _consumers.Add(consumer);
        return consumer;
    }

    /// <summary>Closes a consumer now (what a stopping worker does).</summary>
    private protected async Task CloseAsync(ITransportConsumer consumer)
    {
        lock (_consumers) _consumers.Remove(consumer);
        await consumer.DisposeAsync();
    }

    /// <summary>Publishes messages to a queue the way Celery sends tasks (exchange <c>""</c>, key = queue).</summary>
    private protected async Task<List<BrokerMessage>> PublishAsync(string queue, int count, int firstIndex = 0)
    {
        var messages = new List<BrokerMessage>(count);
        for (var i = 0; i < count; i++)
        {
            var message = ComplianceMessages.Task(firstIndex + i);
            await Transport.PublishAsync(message, DeliveryInfo.ToQueue(queue));
            messages.Add(message);
        }
        return messages;
    }

    /// <summary>Publishes one message and returns it.</summary>
    private protected async Task<BrokerMessage> PublishOneAsync(string queue) => (await PublishAsync(queue, 1))[0];

    /// <summary>Ids of messages, in order.</summary>
    private protected static List<string> Ids(IEnumerable<BrokerMessage> messages) => messages.Select(ComplianceMessages.IdOf).ToList();

    /// <summary>Ids of deliveries, in order.</summary>
    private protected static List<string> Ids(IEnumerable<TransportDelivery> deliveries) => deliveries.Select(ComplianceMessages.IdOf).ToList();

    /// <summary>
    /// Proves a queue holds nothing a consumer could still get: publishes a sentinel and checks that
    /// a new consumer receives exactly that sentinel first, then that the queue is empty.
    /// </summary>
    protected async Task ShouldHoldNothingButNewMessagesAsync(string queue)
    {
        var sentinel = await PublishOneAsync(queue);
        var consumer = await ConsumeAsync(queue);
        var first = await consumer.ReceiveOneAsync(Timeout);
        ComplianceMessages.IdOf(first).Should().Be(ComplianceMessages.IdOf(sentinel), "nothing but the sentinel may be left in the queue");
        await consumer.SettleAsync(first, SettleAction.Ack);
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(0);
        await CloseAsync(consumer);
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _transport = await CreateTransportAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var consumer in Enumerable.Reverse(_consumers.ToArray())) await consumer.DisposeAsync();
        if (_transport is not null)
        {
            foreach (var queue in _queues.ToArray())
            {
                try { await _transport.PurgeAsync(queue); }
                catch (Exception) { /* cleanup is best effort; the test's own assertions decide */ }
            }
            await _transport.DisposeAsync();
        }
        foreach (var transport in _transports) await transport.DisposeAsync();
    }
}
