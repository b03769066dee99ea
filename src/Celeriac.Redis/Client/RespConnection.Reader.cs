using System.Buffers;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Client;

internal sealed partial class RespConnection
{
    private async Task ReadLoopAsync()
    {
        Exception failure;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (_reader.TryRead(ref buffer, out var reply)) Dispatch(reply);
                // Consumed what the reader parsed (whole replies, and what it keeps of a partial one);
                // examined everything, so the next read waits for new bytes.
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    failure = new RedisConnectionException(buffer.IsEmpty && !_reader.IsMidReply
                        ? $"The connection to Redis at {EndPoint} was closed by the server."
                        : $"The connection to Redis at {EndPoint} was closed by the server in the middle of a reply.");
                    break;
                }
            }
        }
        catch (RedisProtocolException error)
        {
            failure = error;
        }
        catch (Exception error)
        {
            failure = new RedisConnectionException($"Reading from Redis at {EndPoint} failed: {error.Message}", error);
        }
        await _input.CompleteAsync().ConfigureAwait(false);
        Fail(failure);
    }

    private void Dispatch(in RespValue reply)
    {
        if (_push is not null && _push(reply)) return;
        PendingOperation? done = null;
        lock (_sync)
        {
            if (_failure is not null) return; // everything in flight was already failed
            if (!_pending.TryPeek(out var operation))
                throw new RedisProtocolException($"Redis at {EndPoint} sent a reply no command was waiting for: {Shorten(reply)}.");
            if (operation.Accept(reply))
            {
                _pending.Dequeue();
                done = operation;
            }
        }
        done?.Complete();
    }

    private static string Shorten(in RespValue reply)
    {
        var text = reply.ToString();
        return text.Length <= 100 ? text : text[..100] + "…";
    }
}
