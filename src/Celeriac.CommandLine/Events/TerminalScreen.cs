using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Celeriac.CommandLine.Events;

/// <summary>
/// The terminal the live view draws on: the alternate screen with the cursor hidden while it runs (the shell's
/// screen comes back on <see cref="Dispose"/>), whole frames written from the top-left over the previous one —
/// each line cleared to its end and the rest of the screen below, so nothing flickers and a smaller frame
/// leaves no debris — and keys read without echo.
/// </summary>
internal sealed class TerminalScreen : IDisposable
{
    private const string Escape = "\u001b[";
    private readonly TextWriter _output;
    private readonly bool _colour;
    private string? _lastFrame;

    public TerminalScreen(TextWriter output)
    {
        _output = output;
        _colour = CliConsole.UsesColour(output);
        _output.Write($"{Escape}?1049h{Escape}?25l{Escape}2J");
        _output.Flush();
    }

    /// <summary>The window's size now (it changes when the terminal is resized).</summary>
    public static (int Width, int Height) Size => (Math.Max(Console.WindowWidth, 20), Math.Max(Console.WindowHeight, 5));

    /// <summary>Draws <paramref name="frame"/>, cut to the window; skipped when it is the frame already shown.</summary>
    public void Draw(IRenderable frame, int width, int height)
    {
        var text = Render(frame, width);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Take(height).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        var screen = new StringBuilder($"{Escape}H");
        for (var i = 0; i < lines.Count; i++) screen.Append(lines[i]).Append($"{Escape}0m{Escape}K").Append(i < lines.Count - 1 ? "\r\n" : "");
        screen.Append($"{Escape}J");
        var drawn = screen.ToString();
        if (drawn == _lastFrame) return;
        _output.Write(drawn);
        _output.Flush();
        _lastFrame = drawn;
    }

    /// <summary>Forgets the frame on screen, so the next is drawn in full (after a resize the terminal may have reflowed it).</summary>
    public void Invalidate()
    {
        _lastFrame = null;
        _output.Write($"{Escape}2J");
    }

    /// <summary>The next key pressed, if any, without waiting and without echoing it.</summary>
    public static ConsoleKeyInfo? ReadKey() => Console.KeyAvailable ? Console.ReadKey(intercept: true) : null;

    public void Dispose()
    {
        _output.Write($"{Escape}0m{Escape}?25h{Escape}?1049l");
        _output.Flush();
    }

    // Spectre draws into a string at the window's width; colours only when the terminal wants them.
    private string Render(IRenderable frame, int width)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = _colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = _colour ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        console.Write(frame);
        return writer.ToString();
    }
}
