namespace Celeriac.Tests.Pool;

/// <summary>A task body that counts overlapping runs and holds each until the test opens its gate.</summary>
internal sealed class Blocker
{
    private readonly object _lock = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _current, _max, _finished;

    public int Current
    {
        get { lock (_lock) return _current; }
    }

    public int Max
    {
        get { lock (_lock) return _max; }
    }

    public int Finished
    {
        get { lock (_lock) return _finished; }
    }

    /// <summary>Lets every run waiting now, and every later one, finish.</summary>
    public void Open()
    {
        lock (_lock) _gate.TrySetResult();
    }

    /// <summary>Closes the gate again: later runs wait for the next <see cref="Open"/>.</summary>
    public void Close()
    {
        lock (_lock)
            if (_gate.Task.IsCompleted) _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Completes once <paramref name="count"/> runs are inside the body at once.</summary>
    public Task RunningAsync(int count)
    {
        lock (_lock)
        {
            if (_current >= count) return Task.CompletedTask;
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public async Task<int> RunAsync()
    {
        Task gate;
        lock (_lock)
        {
            _current++;
            _max = Math.Max(_max, _current);
            foreach (var w in _waiters.Where(w => _current >= w.Count).ToList())
            {
                _waiters.Remove(w);
                w.Signal.TrySetResult();
            }
            gate = _gate.Task;
        }
        try
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(20));
            return 1;
        }
        finally
        {
            lock (_lock)
            {
                _current--;
                _finished++;
            }
        }
    }
}
