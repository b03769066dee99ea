namespace Celeriac.Redis.Transport;

/// <content>
/// Changing the queues while consuming (<c>add_consumer</c>/<c>cancel_consumer</c>, docs/protocol.md §7). The
/// queue cycle is only touched under the receive gate, so a change waits for it: a receive blocked
/// in BRPOP is woken (BlockingPop ends the pop on the server, and a message it already popped is
/// delivered as usual), returns, and the change is applied before the next receive builds its key
/// list. A receive in flight therefore finishes on the queues it started with, and once a cancel
/// returns no script or BRPOP names that queue again. What was taken from a cancelled queue stays
/// in <c>unacked</c> and is settled (or given back to that queue) as any other delivery.
/// </content>
internal sealed partial class RedisConsumer
{
    private readonly object _wakeLock = new();
    private CancellationTokenSource _wake = new();
    private int _changing; // changes waiting for the receive gate: a receive then stops blocking
    private string[] _names = [];

    /// <summary>The queues consumed now, in the order they were added.</summary>
    public IReadOnlyList<string> Queues => Volatile.Read(ref _names);

    /// <inheritdoc />
    public ValueTask<bool> AddQueueAsync(string queue, CancellationToken cancellationToken = default) => ChangeAsync(queue, add: true, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> CancelQueueAsync(string queue, CancellationToken cancellationToken = default) => ChangeAsync(queue, add: false, cancellationToken);

    /// <summary>What a receive waits with besides its caller's token: cancelled when a change wants the gate.</summary>
    private CancellationToken WakeToken
    {
        get { lock (_wakeLock) return _wake.Token; }
    }

    /// <summary>Whether a change waits for the gate, so a receive should return rather than block.</summary>
    private bool ChangePending => Volatile.Read(ref _changing) > 0;

    private async ValueTask<bool> ChangeAsync(string queue, bool add, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ObjectDisposedException.ThrowIf(_closing.IsCancellationRequested, this);
        // Counted before the wake: a receive that reads the new wake token sees the count instead.
        Interlocked.Increment(ref _changing);
        try
        {
            CancellationTokenSource woken;
            lock (_wakeLock)
            {
                woken = _wake;
                _wake = new CancellationTokenSource();
            }
            // Not disposed: a receive may still be linking its token.
            await woken.CancelAsync().ConfigureAwait(false);
            await _receiving.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_closing.IsCancellationRequested, this);
                var changed = add ? _cycle.Add(queue) : _cycle.Remove(queue);
                if (changed)
                    Volatile.Write(ref _names, add ? [.. _names, queue] : _names.Where(q => q != queue).ToArray());
                return changed;
            }
            finally
            {
                _receiving.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _changing);
        }
    }
}
