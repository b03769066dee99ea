namespace Celeriac.CommandLine;

/// <summary>
/// The process exit codes, in one place so scripts can trust them; <see cref="CliApp"/> lists them in
/// <c>--help</c>. Celery itself exits 69 (EX_UNAVAILABLE) when no node replied; we keep a small, documented set.
/// </summary>
internal static class CliExitCode
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command failed: the broker is unreachable, a worker answered with an error, …</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: an unknown option, a bad URL, a malformed JSON argument.</summary>
    public const int Usage = 2;

    /// <summary>No worker replied within the timeout.</summary>
    public const int NoReply = 3;

    /// <summary>The exit codes as the help text shows them.</summary>
    public const string HelpText =
        "Exit codes: 0 ok, 1 failure (broker unreachable, a worker answered with an error), 2 usage (bad option, URL or JSON argument), 3 no worker replied.";
}
