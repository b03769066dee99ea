using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// A child process (a worker, a client) whose stdout and stderr are captured together for failure
/// messages. It can wait for a line that says it is ready, be sent SIGTERM or SIGKILL, and is
/// killed (with its children) on dispose and when the test host exits.
/// </summary>
internal sealed partial class ManagedProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly ConcurrentDictionary<ManagedProcess, byte> Running = new();

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Func<string, bool>? _isReadyLine;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static ManagedProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Keys) process.KillTree();
    };

    private ManagedProcess(string name, Process process, Func<string, bool>? isReadyLine)
    {
        Name = name;
        _process = process;
        _isReadyLine = isReadyLine;
    }

    /// <summary>What the process is, for messages (e.g. <c>celeriac worker a@test</c>).</summary>
    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static ManagedProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, Func<string, bool>? isReadyLine = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        var managed = new ManagedProcess(name, new Process { StartInfo = start, EnableRaisingEvents = true }, isReadyLine);
        managed._process.OutputDataReceived += (_, e) => managed.Append(e.Data);
        managed._process.ErrorDataReceived += (_, e) => managed.Append(e.Data);
        managed._process.Exited += (_, _) => managed._ready.TrySetException(new InvalidOperationException("exited"));
        managed._process.Start();
        Running.TryAdd(managed, 0);
        managed._process.BeginOutputReadLine();
        managed._process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>Waits for the ready line; fails with the process's output when it exits or takes too long.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        var ready = _ready.Task;
        if (await Task.WhenAny(ready, Task.Delay(within)) != ready)
            throw new TimeoutException($"{Name} did not say it was ready within {within.TotalSeconds:0} s. Output:\n{Output}");
        if (ready.IsFaulted)
        {
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready. Output:\n{Output}");
        }
    }

    /// <summary>Sends SIGTERM (a graceful stop).</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0 && !_process.HasExited)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGKILL, like a crash: nothing runs on the way out.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    /// <summary>Waits for the process to end and returns its exit code; fails with its output after <paramref name="within"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {within.TotalSeconds:0} s. Output:\n{Output}");
        }
        _process.WaitForExit(); // drains the output events
        Running.TryRemove(this, out _);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, a few seconds for a graceful stop, then SIGKILL to the whole tree.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Terminate();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        catch (InvalidOperationException)
        {
        }
        KillTree();
        Running.TryRemove(this, out _);
        _process.Dispose();
    }

    /// <summary>Output for an assertion message.</summary>
    public string Describe() => $"--- {Name} (pid {_process.Id}) output ---\n{Output}";

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (_isReadyLine?.Invoke(line) == true) _ready.TrySetResult();
    }

    private void KillTree()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
