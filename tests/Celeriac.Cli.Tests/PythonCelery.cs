using System.Diagnostics;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Cli.Tests;

/// <summary>Runs Python's <c>celery</c> command line (<c>python3 -m celery -b URL …</c>) and captures what it printed.</summary>
internal static class PythonCelery
{
    public static async Task<CliRun> RunAsync(string brokerUrl, string[] args)
    {
        var start = new ProcessStartInfo(Prerequisites.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-m", "celery", "-b", brokerUrl, .. args]) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await output, await error);
    }
}
