using System.Collections.Concurrent;

namespace Celeriac.Worker;

/// <summary>
/// Rate and time limits one worker was given at run time by the <c>rate_limit</c> and
/// <c>time_limit</c> commands (docs/protocol.md §5.8, §5.9). They take the place of the task's own
/// settings on that worker, as Celery's commands change the task object in the worker's process;
/// a message's own <c>timelimit</c> header still wins, as in Celery. They also keep the values as they came,
/// for <c>registered</c> to show as Celery's does (it prints <c>str(task.rate_limit)</c> of the changed task).
/// </summary>
internal sealed class RemoteTaskLimits
{
    private readonly ConcurrentDictionary<(string Task, string Attribute), string?> _shown = new();

    private readonly ConcurrentDictionary<string, RateLimiting.RateLimit> _rates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (TimeSpan? Hard, TimeSpan? Soft)> _times = new(StringComparer.Ordinal);

    /// <summary>The rate set for <paramref name="taskName"/>, or null when none was.</summary>
    public RateLimiting.RateLimit? RateOf(string taskName) => _rates.IsEmpty ? null : _rates.TryGetValue(taskName, out var r) ? r : null;

    /// <summary>Sets a task's rate (<see cref="RateLimiting.RateLimit.None"/> disables its limit).</summary>
    public void SetRate(string taskName, RateLimiting.RateLimit rate) => _rates[taskName] = rate;

    /// <summary>The time limits set for <paramref name="taskName"/> (either may be null: none), or null when none were.</summary>
    public (TimeSpan? Hard, TimeSpan? Soft)? TimeLimitsOf(string taskName) => _times.IsEmpty ? null : _times.TryGetValue(taskName, out var t) ? t : null;

    /// <summary>Sets a task's hard and soft limits; null clears one, so the app's default applies.</summary>
    public void SetTimeLimits(string taskName, TimeSpan? hard, TimeSpan? soft) => _times[taskName] = (hard, soft);

    /// <summary>
    /// Records what a command set a task attribute to (<c>rate_limit</c>, <c>time_limit</c>, <c>soft_time_limit</c>),
    /// as Python's <c>str()</c> of the argument shows it; null is Python's None, which <c>registered</c> leaves out.
    /// </summary>
    public void Show(string taskName, string attribute, string? value) => _shown[(taskName, attribute)] = value;

    /// <summary>True when a command set <paramref name="attribute"/> of <paramref name="taskName"/>; <paramref name="value"/> is what it shows.</summary>
    public bool TryShown(string taskName, string attribute, out string? value)
    {
        value = null;
        return !_shown.IsEmpty && _shown.TryGetValue((taskName, attribute), out value);
    }
}
