namespace Celeriac.Beat;

/// <summary>Settings of one beat process (<see cref="CeleriacApp.CreateBeat"/>); defaults come from <see cref="CeleriacOptions"/>.</summary>
public sealed class BeatOptions
{
    /// <summary>
    /// Names the schedule in the shared store: beats with the same name against the same broker
    /// elect one publisher and share each entry's last run. Default <c>default</c>.
    /// </summary>
    public string ScheduleName { get; set; } = "default";

    /// <summary>
    /// Where this process keeps each entry's last run when the broker has no shared store
    /// (<c>beat_schedule_filename</c>); written with each run. Default <c>celeriac-beat-state.json</c>
    /// in the working directory; null keeps state in memory only.
    /// </summary>
    public string? StateFile { get; set; } = "celeriac-beat-state.json";

    /// <summary>How long the publisher's lease lasts without renewal. A replica takes over at most this long (plus one poll) after the publisher dies. Default 3 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the publisher renews its lease and a standby tries to take it. Default 1 s.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest the loop sleeps (<c>beat_max_loop_interval</c>); also how soon run-time edits made elsewhere are seen. Default 1 s.</summary>
    public TimeSpan MaxLoopInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A run later than this is missed and follows its entry's <see cref="MissedRunPolicy"/>; one later by less is published whatever the policy. Default 10 s, longer than a take-over.</summary>
    public TimeSpan MissedRunGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>This process's name in the election (logs and the lease). Default <c>beat-&lt;pid&gt;@&lt;host&gt;</c>.</summary>
    public string Holder { get; set; } = $"beat-{Environment.ProcessId}@{Environment.MachineName}";

    /// <summary>The defaults for <paramref name="options"/>.</summary>
    public static BeatOptions From(CeleriacOptions options) => new() { StateFile = options.BeatScheduleFilename };
}
