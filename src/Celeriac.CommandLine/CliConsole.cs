using Spectre.Console;

namespace Celeriac.CommandLine;

/// <summary>
/// The Spectre console a command writes its tables to. Colours only on a real terminal: off when the
/// output is redirected (a pipe, a file, a test's writer) or NO_COLOR is set (https://no-color.org).
/// </summary>
internal static class CliConsole
{
    // Wide enough that task ids and names are not wrapped when the output goes to a file or a pipe.
    private const int RedirectedWidth = 200;

    public static IAnsiConsole For(TextWriter writer)
    {
        var terminal = IsTerminal(writer);
        var colour = UsesColour(writer);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = colour ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = RedirectedWidth;
        return console;
    }

    /// <summary>True when <paramref name="writer"/> is the process's standard output and that is a terminal.</summary>
    public static bool IsTerminal(TextWriter writer) => ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>True when what goes to <paramref name="writer"/> may be coloured: a terminal, and NO_COLOR unset.</summary>
    public static bool UsesColour(TextWriter writer) =>
        IsTerminal(writer) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
