using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Client;

internal sealed partial class RespConnection
{
    // The flush runs on the thread pool, not inline on the caller: a caller that sends many
    // commands in a row (or many callers at once) fills the buffer while the flush is being
    // scheduled, and one write then carries them all. Inline flushing cost a syscall per command.
    private void StartFlush() =>
        ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.FlushLoopAsync(), this, preferLocal: false);

    private async Task FlushLoopAsync()
    {
        try
        {
            while (true)
            {
                RentedBufferWriter toSend;
                lock (_sync)
                {
                    if (_failure is not null || _outgoing.WrittenCount == 0)
                    {
                        _flushing = false;
                        return;
                    }
                    // Double buffering: callers append to the other buffer while this one is on the wire.
                    toSend = _outgoing;
                    _outgoing = _sending;
                    _sending = toSend;
                }
                await _stream.WriteAsync(toSend.WrittenMemory).ConfigureAwait(false);
                toSend.Reset();
            }
        }
        catch (Exception error)
        {
            lock (_sync) _flushing = false;
            Fail(new RedisConnectionException($"Sending to Redis at {EndPoint} failed: {error.Message}", error));
        }
    }
}
