namespace Celeriac.Cli.Tests;

/// <summary>What one run of the command line printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs the CLI in this process through its entry point, capturing both writers.</summary>
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(NoInput, CancellationToken.None, args);

    /// <summary>Runs the CLI with <paramref name="input"/> as its stdin (a person typing when it is a terminal).</summary>
    public static Task<CliRun> RunAsync(CliInput input, params string[] args) => RunAsync(input, CancellationToken.None, args);

    /// <summary>Runs the CLI until it ends or <paramref name="cancellationToken"/> fires (Ctrl+C).</summary>
    public static async Task<CliRun> RunAsync(CliInput input, CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, input, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>A test's stdin: redirected and empty, as under a CI runner.</summary>
    public static CliInput NoInput => new(TextReader.Null, IsTerminal: false);

    /// <summary>A person at a terminal who types <paramref name="lines"/>.</summary>
    public static CliInput Typing(params string[] lines) => new(new StringReader(string.Join('\n', lines) + "\n"), IsTerminal: true);

    /// <summary>The error output's lines, for "one line, never a stack trace".</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
