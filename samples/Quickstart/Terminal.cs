using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Spectre.Console;

namespace Quickstart;

/// <summary>Console output: a live display in a terminal, plain text when redirected (CI logs, <c>| cat</c>).</summary>
public static class Terminal
{
    /// <summary>
    /// A Spectre console. On Linux Spectre decides on ANSI from <c>TERM</c> and on a live display
    /// from stdin alone, so a redirected stdout would still get escape codes: switch both off here.
    /// </summary>
    public static IAnsiConsole Create()
    {
        var plain = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
        });
        // Log lines written straight to the terminal would tear the live progress display; written
        // through Spectre they print above it. Set before the console logger captures Console.Error.
        if (!plain && !Console.IsErrorRedirected) Console.SetError(new SpectreWriter(console));
        return console;
    }

    /// <summary>One-line console logs, all on stderr (stdout is the report), without colours.</summary>
    public static ILoggingBuilder AddTerminalConsole(this ILoggingBuilder logging) => logging
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });

    // Whole lines, padded to the full width: Spectre prints them where the live display was and
    // redraws it below, and the padding blanks what is left of the old display on that line.
    private sealed class SpectreWriter(IAnsiConsole console) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\r') return;
            if (value != '\n')
            {
                _line.Append(value);
                return;
            }
            console.Write(new Padder(new Text(_line.ToString()), new Padding(0)).Expand());
            _line.Clear();
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? "") Write(c);
        }
    }
}
