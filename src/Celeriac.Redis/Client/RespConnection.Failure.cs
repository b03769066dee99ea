using System.Globalization;

namespace Celeriac.Redis.Client;

internal sealed partial class RespConnection
{
    /// <summary>
    /// Kills the connection once: records why, closes the socket and fails every operation in
    /// flight. Later calls are no-ops, so the first cause is the one reported.
    /// </summary>
    private void Fail(Exception cause, long timedOutAt = long.MaxValue)
    {
        PendingOperation[] inFlight;
        Action<RespConnection, Exception>? closed;
        lock (_sync)
        {
            if (_failure is not null) return;
            _failure = cause;
            inFlight = _pending.ToArray();
            _pending.Clear();
            closed = _closed;
            _closed = null;
        }
        _timeoutTimer.Dispose();
        // Unblocks the read loop and any write in progress.
        CloseQuietly(_stream);
        CloseQuietly(_socket);
        foreach (var operation in inFlight) operation.Fail(ErrorFor(operation, cause, timedOutAt));
        closed?.Invoke(this, cause);
    }

    // Each waiter gets its own exception object (they are rethrown on many threads at once),
    // and only the commands that really ran out of time get a TimeoutException.
    private Exception ErrorFor(PendingOperation operation, Exception cause, long timedOutAt) => cause switch
    {
        RedisProtocolException protocol => new RedisProtocolException(protocol.Message),
        TimeoutException when operation.Deadline <= timedOutAt => Overdue(operation),
        TimeoutException => new RedisConnectionException(
            $"The connection to Redis at {EndPoint} was closed because an earlier command timed out ({cause.Message}); " +
            $"{operation.Command} may or may not have run.", cause),
        _ => new RedisConnectionException(
            $"{cause.Message.TrimEnd('.')}; {operation.Command} was waiting for its reply and may or may not have run.",
            cause.InnerException ?? cause),
    };

    private TimeoutException Overdue(PendingOperation operation) => new(
        $"Redis at {EndPoint} did not answer {operation.Command} within {Describe(operation.Timeout)}; " +
        "the connection is closed and a new one will be opened for the next command.");

    private void CheckTimeouts()
    {
        var now = Environment.TickCount64;
        PendingOperation? overdue = null;
        lock (_sync)
        {
            if (_failure is not null) return;
            // Replies come in order, but deadlines need not (a blocking command ahead of a plain
            // one), so look at them all; the queue is short and this runs a few times a second.
            foreach (var operation in _pending)
            {
                if (operation.Deadline > now) continue;
                overdue = operation;
                break;
            }
        }
        if (overdue is not null) Fail(Overdue(overdue), now);
    }

    internal static string Describe(TimeSpan timeout) => timeout.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalMilliseconds:0} ms");

    private static void CloseQuietly(IDisposable resource)
    {
        try
        {
            resource.Dispose();
        }
        catch (Exception)
        {
            // Closing a broken socket can throw; it is closed either way.
        }
    }
}
