using Spectre.Console;

namespace Celeriac.CommandLine.Output;

/// <summary>
/// A spinner with a line of status while a long operation runs (<c>call --wait</c>, <c>purge</c>) — on a terminal
/// only: redirected output, which a script reads, gets nothing but the command's own lines.
/// </summary>
internal static class TerminalProgress
{
    /// <summary>Runs <paramref name="work"/>, which may change the status line through the action it is given.</summary>
    public static async Task<T> RunAsync<T>(IAnsiConsole console, string status, Func<Action<string>, Task<T>> work)
    {
        // The spinner redraws its line with cursor moves: it needs ANSI as well as a person watching.
        if (!console.Profile.Capabilities.Interactive || !console.Profile.Capabilities.Ansi)
            return await work(static _ => { }).ConfigureAwait(false);
        return await console.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync(Markup.Escape(status), context => work(text => context.Status(Markup.Escape(text))))
            .ConfigureAwait(false);
    }
}
