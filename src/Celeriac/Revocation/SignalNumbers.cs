namespace Celeriac.Revocation;

/// <summary>
/// Signal names to numbers as Celery's <c>platforms.signals.signum</c> gives them on Linux: the
/// name upper-cased, <c>SIG</c> added when missing (<c>KILL</c> = <c>SIGKILL</c> = 9), a number as is.
/// The worker sends no signal (a .NET task is cancelled through its token); the number is what
/// <c>task-revoked</c> reports as <c>signum</c>.
/// </summary>
internal static class SignalNumbers
{
    private static readonly Dictionary<string, int> Linux = new(StringComparer.Ordinal)
    {
        ["SIGHUP"] = 1, ["SIGINT"] = 2, ["SIGQUIT"] = 3, ["SIGILL"] = 4, ["SIGTRAP"] = 5, ["SIGABRT"] = 6, ["SIGIOT"] = 6,
        ["SIGBUS"] = 7, ["SIGFPE"] = 8, ["SIGKILL"] = 9, ["SIGUSR1"] = 10, ["SIGSEGV"] = 11, ["SIGUSR2"] = 12,
        ["SIGPIPE"] = 13, ["SIGALRM"] = 14, ["SIGTERM"] = 15, ["SIGCHLD"] = 17, ["SIGCONT"] = 18, ["SIGSTOP"] = 19,
        ["SIGTSTP"] = 20, ["SIGTTIN"] = 21, ["SIGTTOU"] = 22, ["SIGURG"] = 23, ["SIGXCPU"] = 24, ["SIGXFSZ"] = 25,
        ["SIGVTALRM"] = 26, ["SIGPROF"] = 27, ["SIGWINCH"] = 28, ["SIGIO"] = 29, ["SIGPOLL"] = 29, ["SIGPWR"] = 30, ["SIGSYS"] = 31,
    };

    /// <summary>SIGTERM, what <c>terminate</c> sends when no signal is named.</summary>
    public const int Term = 15;

    /// <summary>The number of a signal name or number; false when it names no signal.</summary>
    public static bool TryParse(string? signal, out int number)
    {
        number = Term;
        if (string.IsNullOrWhiteSpace(signal)) return true;
        var text = signal.Trim();
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out number)) return true;
        text = text.ToUpperInvariant();
        if (!text.StartsWith("SIG", StringComparison.Ordinal)) text = "SIG" + text;
        return Linux.TryGetValue(text, out number);
    }
}
