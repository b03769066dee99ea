using Celeriac.Beat;
using Celeriac.Worker;
using Microsoft.Extensions.Logging;

namespace Celeriac.CommandLine.Commands.Worker;

/// <summary>
/// The <c>worker</c> command's flags, checked (<see cref="WorkerFlags.Read"/>), and the one place they are mapped
/// onto the app's <see cref="CeleriacOptions"/> and the worker's <see cref="WorkerOptions"/>. A flag left out keeps
/// the app's setting.
/// </summary>
internal sealed record WorkerSettings
{
    /// <summary>-n, expanded (<see cref="NodeName.Expand"/>).</summary>
    public string? Hostname { get; init; }
    public int? Concurrency { get; init; }
    public IReadOnlyList<string> Queues { get; init; } = [];
    public IReadOnlyList<string> ExcludeQueues { get; init; } = [];
    public bool TaskEvents { get; init; }
    public bool Beat { get; init; }
    public string? Schedule { get; init; }
    public string? BeatState { get; init; }
    public LogLevel? LogLevel { get; init; }
    public int? PrefetchMultiplier { get; init; }
    public (int Max, int Min)? Autoscale { get; init; }
    public TimeSpan? TimeLimit { get; init; }
    public TimeSpan? SoftTimeLimit { get; init; }
    public bool Purge { get; init; }
    public bool WithoutHeartbeat { get; init; }
    public bool WithoutGossip { get; init; }

    /// <summary>The app-wide settings: time limits apply to every task the app runs (Celery's task_time_limit).</summary>
    public void ApplyTo(CeleriacOptions options)
    {
        if (TimeLimit is { } hard) options.TaskTimeLimit = hard;
        if (SoftTimeLimit is { } soft) options.TaskSoftTimeLimit = soft;
    }

    /// <summary>The worker's settings, over the defaults the app gave it.</summary>
    /// <exception cref="CliException">-X leaves no queue to consume.</exception>
    public void ApplyTo(WorkerOptions options, CeleriacOptions app)
    {
        if (Hostname is { } name) options.Hostname = name;
        if (Concurrency is { } slots) options.Concurrency = slots;
        if (PrefetchMultiplier is { } multiplier) options.PrefetchMultiplier = multiplier;
        if (Autoscale is { } bounds) options.Autoscale = bounds;
        if (Queues.Count > 0) options.Queues = Queues.Distinct(StringComparer.Ordinal).ToList();
        if (ExcludeQueues.Count > 0)
        {
            options.Queues = options.Queues.Except(ExcludeQueues, StringComparer.Ordinal).ToList();
            if (options.Queues.Count == 0) throw CliException.Usage("-X/--exclude-queues leaves no queue to consume");
        }
        if (TaskEvents) options.SendTaskEvents = true;
        // Celery sends no worker events without heartbeats and gossip; task events (-E) still need the event channel.
        if (WithoutHeartbeat && WithoutGossip && !options.SendTaskEvents) options.SendEvents = false;
        if (Beat)
        {
            options.RunBeat = true;
            options.Beat = BeatOptions.From(app);
            if (BeatState is { } state) options.Beat.StateFile = state;
            // The node name doubles as the beat's name in the election, so logs and the lease tell replicas apart.
            options.Beat.Holder = options.Hostname;
        }
    }
}
