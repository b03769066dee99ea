using System.Diagnostics;
using System.Text;

namespace Celeriac.Dashboard.Tests.Infrastructure;

/// <summary>
/// A Python Celery 5.2.6 worker (<c>/usr/bin/python3 -m celery -A dash_tasks worker</c>, python/dash_tasks.py) on one
/// queue, started without <c>-E</c>; stopped warm (SIGTERM, so it sends worker-offline), killed if it lingers.
/// </summary>
internal sealed class PythonCeleryWorker : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PythonCeleryWorker(Process process, string node)
    {
        _process = process;
        Node = node;
    }

    /// <summary>The node name (<c>py-…@host</c>).</summary>
    public string Node { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<PythonCeleryWorker> StartAsync(string brokerUrl, string backendUrl, string queue)
    {
        var name = $"py-{Guid.NewGuid():N}"[..11];
        var start = new ProcessStartInfo(Python)
        {
            WorkingDirectory = Path.Combine(AppContext.BaseDirectory, "python"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-m", "celery", "-A", "dash_tasks", "worker", "-P", "solo", "-Q", queue, "-n", name + "@dashtest",
                     "--without-mingle", "--without-gossip", "-l", "info"]) start.ArgumentList.Add(a);
        start.Environment["CELERY_BROKER_URL"] = brokerUrl;
        start.Environment["CELERY_RESULT_BACKEND"] = backendUrl;
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONUNBUFFERED"] = "1";
        var worker = new PythonCeleryWorker(new Process { StartInfo = start }, name + "@dashtest");
        worker._process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        worker._process.Start();
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        try
        {
            await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return worker;
        }
        catch (TimeoutException)
        {
            await worker.DisposeAsync();
            throw new InvalidOperationException($"The Python worker did not become ready:\n{worker.Output}");
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains(" ready.", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await _process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }
}
