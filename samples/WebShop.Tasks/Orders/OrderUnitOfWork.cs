namespace WebShop.Tasks.Orders;

/// <summary>
/// A scoped unit of work, like a DbContext: changes are staged, written by <see cref="SaveChangesAsync"/>,
/// and dropped if the run fails first. Each task run gets its own instance from its own DI scope,
/// disposed when the run ends — <see cref="OrderLedger.UnitsDisposed"/> counts that.
/// </summary>
public sealed class OrderUnitOfWork : IAsyncDisposable
{
    private readonly OrderLedger _ledger;
    private readonly List<(string OrderId, string Event)> _staged = [];
    private bool _disposed;

    /// <summary>Opens a unit of work on <paramref name="ledger"/>.</summary>
    public OrderUnitOfWork(OrderLedger ledger)
    {
        _ledger = ledger;
        ledger.Opened();
    }

    /// <summary>Stages an event for <paramref name="orderId"/>.</summary>
    public void Record(string orderId, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _staged.Add((orderId, what));
    }

    /// <summary>Writes the staged events.</summary>
    public Task SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _ledger.Commit(_staged);
        _staged.Clear();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        _ledger.Disposed();
        return ValueTask.CompletedTask;
    }
}
