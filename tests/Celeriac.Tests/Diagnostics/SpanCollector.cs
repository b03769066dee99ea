using System.Diagnostics;
using Celeriac.Diagnostics;

namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// An <see cref="ActivityListener"/> on the "Celeriac" source that records every span as it stops,
/// and lets a test await the span it expects (a run's span stops after its result is stored, so a
/// test that has the result may still be ahead of the span).
/// </summary>
internal sealed class SpanCollector : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly ActivityListener _listener;
    private readonly List<Activity> _stopped = [];
    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource<Activity> Found)> _waiting = [];

    public SpanCollector(ActivitySamplingResult sampling = ActivitySamplingResult.AllDataAndRecorded)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CeleriacDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => sampling,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every span stopped so far.</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            lock (_stopped) return _stopped.ToList();
        }
    }

    /// <summary>The first span named <paramref name="name"/> that matches, once it has stopped.</summary>
    public Task<Activity> WaitForAsync(string name, Func<Activity, bool>? match = null) =>
        WaitForAsync(a => a.DisplayName == name && (match is null || match(a)), $"a span '{name}'");

    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, string what)
    {
        var found = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stopped)
        {
            if (_stopped.FirstOrDefault(match) is { } already) return already;
            _waiting.Add((match, found));
        }
        var first = await Task.WhenAny(found.Task, Task.Delay(Patience));
        if (first != found.Task)
            throw new TimeoutException($"No {what} within {Patience}; stopped: {string.Join(", ", Spans.Select(s => s.DisplayName))}");
        return await found.Task;
    }

    private void Stopped(Activity activity)
    {
        lock (_stopped)
        {
            _stopped.Add(activity);
            for (var i = _waiting.Count - 1; i >= 0; i--)
            {
                if (!_waiting[i].Match(activity)) continue;
                _waiting[i].Found.TrySetResult(activity);
                _waiting.RemoveAt(i);
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
