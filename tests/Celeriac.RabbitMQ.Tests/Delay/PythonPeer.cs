using System.Diagnostics;
using System.Globalization;

namespace Celeriac.RabbitMQ.Tests.Delay;

/// <summary>Runs a Python snippet with Debian's <c>/usr/bin/python3</c> (Celery 5.2.6, kombu, py-amqp) and returns what it printed.</summary>
internal static class PythonPeer
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/>; returns (exit code, stdout, stderr).</summary>
    public static async Task<(int Exit, string Output, string Errors)> RunAsync(string script, TimeSpan timeout, params object[] arguments)
    {
        using var process = Start(script, arguments);
        return await WaitAsync(process, timeout);
    }

    /// <summary>Starts <paramref name="script"/>; the caller waits for it (<see cref="WaitAsync"/>) or kills it.</summary>
    public static Process Start(string script, params object[] arguments)
    {
        if (!File.Exists(Python)) throw new InvalidOperationException($"{Python} was not found; these tests need Debian's Python with Celery 5.2.6 (apt-get install python3-celery).");
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(Convert.ToString(argument, CultureInfo.InvariantCulture)!);
        return Process.Start(start)!;
    }

    /// <summary>Waits for a started script; returns (exit code, stdout, stderr); kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int Exit, string Output, string Errors)> WaitAsync(Process process, TimeSpan timeout)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python did not finish within {timeout}: {await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }
}
