namespace Celeriac.CommandLine;

/// <summary>
/// A failure the command line reports as one line on stderr with its exit code (never a stack trace):
/// thrown by commands for usage errors and "no worker replied", caught in <see cref="CliApp.RunAsync(string[], TextWriter, TextWriter, CliInput, CancellationToken, CeleriacApp)"/>.
/// </summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>One of <see cref="CliExitCode"/>.</summary>
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(CliExitCode.Usage, message);

    public static CliException NoReply() => new(CliExitCode.NoReply, "No nodes replied within time constraint");
}
