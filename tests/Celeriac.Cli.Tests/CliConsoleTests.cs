using Spectre.Console;

namespace Celeriac.Cli.Tests;

/// <summary>Colours only on a terminal: a writer that is not the console's gets plain text, wide enough for ids.</summary>
public sealed class CliConsoleTests
{
    [Fact]
    public void A_console_on_a_writer_has_no_ansi_and_no_colours()
    {
        using var writer = new StringWriter();

        var console = CliConsole.For(writer);
        console.Write(new Markup("[red]error[/] plain"));

        console.Profile.Capabilities.Ansi.Should().BeFalse();
        console.Profile.Capabilities.ColorSystem.Should().Be(ColorSystem.NoColors);
        console.Profile.Width.Should().BeGreaterThanOrEqualTo(120, "a 36-character task id and a name fit on one row");
        writer.ToString().Should().Be("error plain");
    }
}
