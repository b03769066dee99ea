namespace Celeriac.Beat;

/// <summary>
/// What an entry does with runs that fell due while no beat published them (beat down, a
/// take-over longer than <see cref="BeatOptions.MissedRunGrace"/>). Runs late by less than the grace are
/// not missed: they are all published, in order, whatever the policy.
/// </summary>
public sealed record MissedRunPolicy
{
    private MissedRunPolicy(MissedRunKind kind, int limit, TimeSpan deadline) { Kind = kind; Limit = limit; Deadline = deadline; }

    /// <summary>Which policy.</summary>
    public MissedRunKind Kind { get; }

    /// <summary>For <see cref="MissedRunKind.All"/>: at most this many missed runs (the newest).</summary>
    public int Limit { get; }

    /// <summary>For <see cref="MissedRunKind.Deadline"/>: only missed runs newer than this.</summary>
    public TimeSpan Deadline { get; }

    /// <summary>Publish none of the missed runs.</summary>
    public static MissedRunPolicy Skip { get; } = new(MissedRunKind.Skip, 0, TimeSpan.Zero);

    /// <summary>Publish one run for all that were missed (the newest), Celery's behaviour. The default.</summary>
    public static MissedRunPolicy Once { get; } = new(MissedRunKind.Once, 1, TimeSpan.Zero);

    /// <summary>Publish every missed run, the newest <paramref name="limit"/> at most.</summary>
    public static MissedRunPolicy All(int limit = 100) =>
        limit >= 1 ? new(MissedRunKind.All, limit, TimeSpan.Zero) : throw new ArgumentOutOfRangeException(nameof(limit), limit, "The cap must be at least 1.");

    /// <summary>Publish the missed runs scheduled within <paramref name="deadline"/> of now.</summary>
    public static MissedRunPolicy Within(TimeSpan deadline) =>
        deadline > TimeSpan.Zero ? new(MissedRunKind.Deadline, 0, deadline) : throw new ArgumentOutOfRangeException(nameof(deadline), deadline, "The deadline must be positive.");
}
