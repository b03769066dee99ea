namespace Celeriac.Beat;

/// <summary>An entry as the running schedule sees it: its definition, its recorded state and its next runs (a dry run).</summary>
public sealed record BeatEntryInfo
{
    /// <summary>The definition in force (code, configuration, or a run-time edit).</summary>
    public required BeatEntry Entry { get; init; }

    /// <summary>The last scheduled instant published, if any.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>How many runs were published.</summary>
    public long TotalRunCount { get; init; }

    /// <summary>The next scheduled instants (none while paused).</summary>
    public IReadOnlyList<BeatRunTime> NextRuns { get; init; } = [];
}
