using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Client;

/// <summary>
/// Replies to several commands written together (a pipeline, MULTI…EXEC, the connect handshake),
/// or the several confirmations one SUBSCRIBE produces. Error replies are kept as values: in a
/// batch one failed command must not hide the others' results.
/// </summary>
internal sealed class PendingBatch : PendingOperation
{
    private readonly RespValue[] _replies;
    private readonly TaskCompletionSource<RespValue[]> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _received;

    public PendingBatch(string command, int replies)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replies, 1);
        Command = command;
        _replies = new RespValue[replies];
    }

    public Task<RespValue[]> Task => _done.Task;

    public override bool Accept(in RespValue reply)
    {
        _replies[_received++] = reply;
        return _received == _replies.Length;
    }

    public override void Complete() => _done.TrySetResult(_replies);

    public override void Fail(Exception error) => _done.TrySetException(error);
}
