using System.Threading.Channels;
using Celeriac.Transport;

namespace Celeriac.Memory;

/// <summary>One in-memory fanout subscription: an unbounded inbox, removed from its exchange on dispose.</summary>
internal sealed class InMemoryBroadcastSubscription(InMemoryExchange exchange, string bindingKey, string queue) : IBroadcastSubscription
{
    private readonly Channel<BroadcastMessage> _inbox = Channel.CreateUnbounded<BroadcastMessage>(new UnboundedChannelOptions { SingleReader = false });

    public string BindingKey { get; } = bindingKey;

    public string Queue { get; } = queue;

    public void Deliver(BroadcastMessage message) => _inbox.Writer.TryWrite(message);

    public async ValueTask<BroadcastMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        exchange.Unsubscribe(this);
        _inbox.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
