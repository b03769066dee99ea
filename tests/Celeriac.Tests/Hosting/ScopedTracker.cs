using System.Collections.Concurrent;

namespace Celeriac.Tests.Hosting;

/// <summary>What the scoped trackers of one test did: each instance's id and whether it was disposed.</summary>
public sealed class TrackerLog
{
    private int _next;
    public ConcurrentDictionary<int, bool> Disposed { get; } = new();

    internal int Create()
    {
        var id = Interlocked.Increment(ref _next);
        Disposed[id] = false;
        return id;
    }
}

/// <summary>A scoped dependency, as a DbContext would be: records its creation and disposal.</summary>
public sealed class ScopedTracker : IAsyncDisposable
{
    private readonly TrackerLog _log;

    public ScopedTracker(TrackerLog log)
    {
        _log = log;
        Id = log.Create();
    }

    public int Id { get; }

    public bool IsDisposed => _log.Disposed[Id];

    public ValueTask DisposeAsync()
    {
        _log.Disposed[Id] = true;
        return ValueTask.CompletedTask;
    }
}
