using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Celeriac.Cli.Tests;

/// <summary>
/// samples/WorkerApp (an app whose Main is <c>return await app.RunCommandLineAsync(args)</c>) — or the built tool,
/// <see cref="StartTool"/> — as its own process: its output collected line by line so a test can await a line, and
/// POSIX signals sent to it as a terminal would.
/// </summary>
internal sealed partial class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];

    private WorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (_waits) return _output.ToString(); } }

    public string Error { get { lock (_waits) return _error.ToString(); } }

    /// <summary>Starts <c>WorkerApp worker ARGS</c> against <paramref name="broker"/> (its CELERY_BROKER_URL).</summary>
    public static WorkerProcess Start(string broker, params string[] args) => Launch(broker, ["WorkerApp.dll", "worker", .. args]);

    /// <summary>Starts the tool, <c>celeriac ARGS</c> (its Celeriac.Cli.dll), with <paramref name="broker"/> as its CELERY_BROKER_URL.</summary>
    public static WorkerProcess StartTool(string broker, params string[] args) => Launch(broker, ["Celeriac.Cli.dll", .. args]);

    private static WorkerProcess Launch(string broker, string[] dllAndArgs)
    {
        // Through Python, which puts SIGINT back to its default first: a test host started in the background
        // inherits SIGINT ignored, a child would too, and .NET does not handle a signal ignored at its start.
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Path.Combine(AppContext.BaseDirectory, dllAndArgs[0])])
            start.ArgumentList.Add(arg);
        foreach (var arg in dllAndArgs[1..]) start.ArgumentList.Add(arg);
        start.Environment["CELERY_BROKER_URL"] = broker;
        start.Environment["CELERY_RESULT_BACKEND"] = broker;
        return new WorkerProcess(Process.Start(start)!);
    }

    /// <summary>Completes once a line of stdout or stderr contains <paramref name="text"/>.</summary>
    public Task WaitForAsync(string text, double seconds = 30)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waits)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal) || _error.ToString().Contains(text, StringComparison.Ordinal)) return Task.CompletedTask;
            _waits.Add((text, seen));
        }
        return seen.Task.WaitAsync(TimeSpan.FromSeconds(seconds)).ContinueWith(t => t.IsFaulted
            ? throw new TimeoutException($"no line with '{text}' within {seconds} s\n--- stdout\n{Output}\n--- stderr\n{Error}")
            : Task.CompletedTask, TaskScheduler.Default).Unwrap();
    }

    public Task WaitReadyAsync() => WaitForAsync(" ready: consuming ");

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}");
    }

    public const int SigInt = 2;
    public const int SigTerm = 15;

    /// <summary>The exit code once the process has ended (within <paramref name="seconds"/>).</summary>
    public async Task<int> ExitCodeAsync(double seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public override string ToString() => $"--- stdout\n{Output}\n--- stderr\n{Error}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(StringBuilder to, string? line)
    {
        if (line is null) return;
        lock (_waits)
        {
            to.Append(line).Append('\n');
            foreach (var wait in _waits.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                wait.Seen.TrySetResult();
                _waits.Remove(wait);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
