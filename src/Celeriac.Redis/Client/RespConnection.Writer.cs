using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Client;

internal sealed partial class RespConnection
{
    // How a command that finds no flush running gets its bytes out.
    private enum Flush
    {
        None,    // a flush is running and takes these bytes too
        Inline,  // the connection was idle: write now, on the caller's thread
        Queued,  // replies are outstanding: flush from the thread pool
    }

    // A busy connection flushes on the thread pool: a caller that sends many commands in a row (or
    // many callers at once) fills the buffer while the flush is being scheduled, and one write then
    // carries them all (inline flushing cost a syscall per command). An idle one — nothing in
    // flight, so nobody to batch with — writes at once: the hop to the pool would only add latency
    // to a lone request, which is what a round trip is made of.
    private void StartFlush(Flush flush)
    {
        if (flush == Flush.Inline) _ = FlushLoopAsync();
        else if (flush == Flush.Queued)
            ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.FlushLoopAsync(), this, preferLocal: false);
    }

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
