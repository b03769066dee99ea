using System.Diagnostics;
using System.Text;

namespace Celeriac.RabbitMQ.Tests.Interop;

/// <summary>
/// Python Celery 5.2.6 (Debian's, under /usr/bin/python3) for the rpc:// and dead-letter interop
/// tests: a module written to a temporary directory, run as a client script or as a worker.
/// </summary>
internal sealed class PythonCelery : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly List<Process> _processes = [];

    private PythonCelery(string directory) => Directory = directory;

    /// <summary>Where the module files are.</summary>
    public string Directory { get; }

    /// <summary>Null when Python Celery can run here, else why not (a CI run fails instead of skipping).</summary>
    public static string? SkipReason() =>
        File.Exists(Python) && File.Exists("/usr/lib/python3/dist-packages/celery/__init__.py") ? null : "Python Celery (python3-celery) is not installed";

    /// <summary>A directory holding <paramref name="files"/> (name → Python source).</summary>
    public static PythonCelery With(IReadOnlyDictionary<string, string> files)
    {
        var directory = Path.Combine(Path.GetTempPath(), "celeriac-py-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        foreach (var (name, source) in files) File.WriteAllText(Path.Combine(directory, name), source);
        return new PythonCelery(directory);
    }

    /// <summary>Runs a script of the directory to its end; returns its stdout, throws with stderr when it fails.</summary>
    public async Task<string> RunAsync(string script, TimeSpan timeout, params string[] args)
    {
        using var process = Start([script, .. args]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout}: {await stderr}");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} exited {process.ExitCode}: {await stderr}\n{await stdout}");
        return await stdout;
    }

    /// <summary>Starts <c>celery -A module worker</c>; it is killed on dispose. Its log goes to <paramref name="log"/>.</summary>
    public Process StartWorker(string module, StringBuilder log, params string[] extra)
    {
        var process = Start(["-m", "celery", "-A", module, "worker", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", .. extra]);
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private Process Start(string[] args)
    {
        var info = new ProcessStartInfo(Python) { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["PYTHONPATH"] = Directory;
        info.Environment["PYTHONUNBUFFERED"] = "1";
        return Process.Start(info) ?? throw new InvalidOperationException("python3 did not start");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
