namespace Celeriac.CommandLine;

/// <summary>
/// Where a command reads a person's answer (<c>purge</c>'s "Are you sure?"), and whether a person is there at
/// all: a prompt on a pipe or a file would read whatever happens to be in it, so commands refuse to ask then.
/// </summary>
/// <param name="Reader">The lines typed.</param>
/// <param name="IsTerminal">True when a person types them (stdin is a terminal).</param>
internal sealed record CliInput(TextReader Reader, bool IsTerminal)
{
    /// <summary>The process's stdin.</summary>
    public static CliInput Console => new(System.Console.In, !System.Console.IsInputRedirected);
}
