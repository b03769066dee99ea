using System.Collections.Concurrent;
using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Tests.Support;

/// <summary>Wraps the in-memory transport and logs every settlement the worker makes, in order.</summary>
internal sealed class RecordingTransport(ITransport inner) : ITransport
{
    public ConcurrentQueue<(string? TaskId, SettleAction Action)> Settlements { get; } = new();

    /// <summary>Makes <paramref name="options"/> use a recording transport for <c>memory://</c>; the transport is handed to <paramref name="created"/>.</summary>
    public static void Install(CeleriacOptions options, Action<RecordingTransport> created) =>
        options.Providers.AddTransport("memory", c =>
        {
            var transport = new RecordingTransport(InMemoryBroker.Named(c.Url.Host).CreateTransport());
            created(transport);
            return transport;
        });

    public IReadOnlyList<SettleAction> For(string taskId) => Settlements.Where(s => s.TaskId == taskId).Select(s => s.Action).ToArray();

    public ValueTask PublishAsync(BrokerMessage message, DeliveryInfo route, CancellationToken cancellationToken = default) =>
        inner.PublishAsync(message, route, cancellationToken);

    public ValueTask DeclareQueueAsync(string queue, CancellationToken cancellationToken = default) => inner.DeclareQueueAsync(queue, cancellationToken);

    public async ValueTask<ITransportConsumer> ConsumeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default) =>
        new Consumer(await inner.ConsumeAsync(queues, cancellationToken), this);

    public ValueTask<long> PurgeAsync(string queue, CancellationToken cancellationToken = default) => inner.PurgeAsync(queue, cancellationToken);

    public ValueTask<long> GetQueueDepthAsync(string queue, CancellationToken cancellationToken = default) => inner.GetQueueDepthAsync(queue, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class Consumer(ITransportConsumer inner, RecordingTransport owner) : ITransportConsumer
    {
        public ValueTask<IReadOnlyList<TransportDelivery>> ReceiveAsync(int maxCount, CancellationToken cancellationToken) =>
            inner.ReceiveAsync(maxCount, cancellationToken);

        public async ValueTask SettleAsync(IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken = default)
        {
            await inner.SettleAsync(settlements, cancellationToken);
            foreach (var s in settlements)
                owner.Settlements.Enqueue((s.Delivery.Message?.Headers["id"]?.GetValue<string>(), s.Action));
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
