namespace Celeriac.Cli.Tests;

/// <summary>What one run of the command line printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs the CLI in this process through its entry point, capturing both writers.</summary>
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>The error output's lines, for "one line, never a stack trace".</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
