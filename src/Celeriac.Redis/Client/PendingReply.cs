using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Client;

/// <summary>
/// The reply slot of a single command, awaited as a <see cref="ValueTask{TResult}"/> and pooled:
/// a busy connection completes hundreds of thousands of these a second, and a fresh
/// TaskCompletionSource for each would be most of the client's garbage.
/// </summary>
internal sealed class PendingReply : PendingOperation, IValueTaskSource<RespValue>
{
    private const int MaxPooled = 1024;
    private static readonly ConcurrentQueue<PendingReply> Pool = new();
    private static int s_pooled;

    // Continuations run on the thread pool, never on the connection's read loop: a slow caller must
    // not stall every other reply behind it.
    private ManualResetValueTaskSourceCore<RespValue> _core = new() { RunContinuationsAsynchronously = true };
    private RespValue _reply;

    private PendingReply()
    {
    }

    public static PendingReply Rent(string command)
    {
        if (Pool.TryDequeue(out var reply)) Interlocked.Decrement(ref s_pooled);
        else reply = new PendingReply();
        reply.Command = command;
        return reply;
    }

    /// <summary>Puts back a reply slot that was never sent.</summary>
    public void ReturnUnused()
    {
        _core.Reset();
        Return(this);
    }

    /// <summary>The caller's view; with a cancellable token the wait (not the command) can be abandoned.</summary>
    public ValueTask<RespValue> AsValueTask(CancellationToken cancellationToken)
    {
        var task = new ValueTask<RespValue>(this, _core.Version);
        return cancellationToken.CanBeCanceled ? new ValueTask<RespValue>(task.AsTask().WaitAsync(cancellationToken)) : task;
    }

    public override bool Accept(in RespValue reply)
    {
        _reply = reply;
        return true;
    }

    public override void Complete()
    {
        var reply = _reply;
        _reply = default;
        if (reply.IsError) _core.SetException(new RedisServerException(reply.AsString()!));
        else _core.SetResult(reply);
    }

    public override void Fail(Exception error) => _core.SetException(error);

    public RespValue GetResult(short token)
    {
        var valid = token == _core.Version;
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            if (valid)
            {
                _core.Reset();
                Return(this);
            }
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private static void Return(PendingReply reply)
    {
        reply.Command = "";
        reply.Deadline = long.MaxValue;
        if (Interlocked.Increment(ref s_pooled) <= MaxPooled) Pool.Enqueue(reply);
        else Interlocked.Decrement(ref s_pooled);
    }
}
