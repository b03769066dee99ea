using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Tests.Support;

/// <summary>An in-memory transport whose queue declares fail while <see cref="FailuresLeft"/> is above zero, as during a broker blip.</summary>
internal sealed class FlakyDeclareTransport(ITransport inner) : ITransport
{
    private int _failuresLeft;
    private int _declares;

    public int FailuresLeft { get => Volatile.Read(ref _failuresLeft); set => Volatile.Write(ref _failuresLeft, value); }

    /// <summary>Declares attempted, failed or not.</summary>
    public int Declares => Volatile.Read(ref _declares);

    public async ValueTask DeclareQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _declares);
        await Task.Yield(); // fails as a real broker does: after the call returned its task
        if (Interlocked.Decrement(ref _failuresLeft) >= 0) throw new IOException("broker unreachable");
        Interlocked.Exchange(ref _failuresLeft, 0);
        await inner.DeclareQueueAsync(queue, cancellationToken);
    }

    public ValueTask PublishAsync(BrokerMessage message, DeliveryInfo route, CancellationToken cancellationToken = default) =>
        inner.PublishAsync(message, route, cancellationToken);

    public ValueTask<ITransportConsumer> ConsumeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default) =>
        inner.ConsumeAsync(queues, cancellationToken);

    public ValueTask<long> PurgeAsync(string queue, CancellationToken cancellationToken = default) => inner.PurgeAsync(queue, cancellationToken);

    public ValueTask<long> GetQueueDepthAsync(string queue, CancellationToken cancellationToken = default) => inner.GetQueueDepthAsync(queue, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
