namespace Celeriac.Control;

/// <summary>
/// Which workers a remote-control call addresses and how its replies are collected (Celery's
/// <c>destination</c>, <c>pattern</c>/<c>matcher</c>, <c>reply</c>, <c>timeout</c>, <c>limit</c>).
/// </summary>
public sealed record ControlCallOptions
{
    /// <summary>Node names that should run the command (e.g. <c>celery@host</c>); null or empty for every worker.</summary>
    public IReadOnlyList<string>? Destination { get; init; }

    /// <summary>Selects nodes by name when <see cref="Destination"/> is empty; needs <see cref="Matcher"/>.</summary>
    public string? Pattern { get; init; }

    /// <summary><c>glob</c> or <c>pcre</c>, how <see cref="Pattern"/> is matched.</summary>
    public string? Matcher { get; init; }

    /// <summary>
    /// Whether to wait for replies. Control commands default to false as in Celery (the call returns
    /// an empty dictionary at once); inspect commands and ping always wait.
    /// </summary>
    public bool Reply { get; init; }

    /// <summary>How long to wait for the next reply (Celery's default: 1 second).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop after this many replies; defaults to the number of <see cref="Destination"/> nodes when given.</summary>
    public int? Limit { get; init; }
}
