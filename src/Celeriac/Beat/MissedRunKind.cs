namespace Celeriac.Beat;

/// <summary>The kinds of <see cref="MissedRunPolicy"/>.</summary>
public enum MissedRunKind
{
    /// <summary>Publish none.</summary>
    Skip,
    /// <summary>Publish the newest one (Celery's behaviour).</summary>
    Once,
    /// <summary>Publish each, up to a cap.</summary>
    All,
    /// <summary>Publish those newer than a deadline.</summary>
    Deadline,
}
