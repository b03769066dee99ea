using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Client;

/// <summary>
/// Something waiting in a connection's FIFO for replies: one command, or a batch written in one go.
/// The connection calls <see cref="Accept"/> under its lock for each reply in order and removes the
/// operation when it reports complete; <see cref="Complete"/> and <see cref="Fail"/> then run
/// outside the lock, exactly once, by whoever removed it.
/// </summary>
internal abstract class PendingOperation
{
    /// <summary>Command name, for timeout and disconnect messages.</summary>
    public string Command { get; protected set; } = "";

    /// <summary>How long the operation may wait, for messages.</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary><see cref="Environment.TickCount64"/> after which the reply is overdue; <see cref="long.MaxValue"/> for never.</summary>
    public long Deadline { get; set; } = long.MaxValue;

    /// <summary>Takes the next reply; true when the operation has all its replies.</summary>
    public abstract bool Accept(in RespValue reply);

    /// <summary>Hands the replies to the waiting caller.</summary>
    public abstract void Complete();

    /// <summary>Faults the waiting caller.</summary>
    public abstract void Fail(Exception error);

    /// <summary>Starts the clock when the command is queued for sending.</summary>
    public void StartClock(long now, TimeSpan timeout)
    {
        Timeout = timeout;
        Deadline = timeout == System.Threading.Timeout.InfiniteTimeSpan ? long.MaxValue : now + (long)timeout.TotalMilliseconds;
    }
}
