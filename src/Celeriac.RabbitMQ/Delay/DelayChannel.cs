using Celeriac.RabbitMQ.Connection;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// The channel the delay parts declare, bind and delete on, one operation at a time, opened on first
/// use and again after it closed (a failed declare closes a channel; so does a lost connection).
/// Publishing goes through the transport's confirmed publish instead.
/// </summary>
internal sealed class DelayChannel(AmqpConnection connection) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IChannel? _channel;
    private long _generation;

    /// <summary>Runs <paramref name="operation"/> on the channel; returns the connection generation it ran in.</summary>
    public async Task<long> RunAsync(Func<IChannel, Task> operation, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_channel is not { IsOpen: true })
            {
                _channel?.Dispose();
                _channel = null;
                (_channel, _generation) = await connection.CreateChannelAsync(publisherConfirms: false, cancellationToken).ConfigureAwait(false);
            }
            await operation(_channel).ConfigureAwait(false);
            return _generation;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _channel?.Dispose();
        _lock.Dispose();
    }
}
