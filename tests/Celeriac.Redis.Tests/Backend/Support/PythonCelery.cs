using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend.Support;

/// <summary>
/// Runs <c>python/interop.py</c> (Python Celery 5.2 with a Redis result backend) with
/// <c>/usr/bin/python3</c>, or <c>CELERIAC_PYTHON</c>. Each command prints JSON lines.
/// </summary>
internal sealed class PythonCelery : IAsyncDisposable
{
    private static readonly Lazy<string?> Missing = new(FindProblem);
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly System.Threading.Channels.Channel<JsonObject> _lines = System.Threading.Channels.Channel.CreateUnbounded<JsonObject>();

    private PythonCelery(Process process) => _process = process;

    public static string Interpreter => Environment.GetEnvironmentVariable("CELERIAC_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>Why the interop tests cannot run here, or null when they can.</summary>
    public static string? Problem => Missing.Value;

    /// <summary>Runs a command to its end and returns its last JSON line.</summary>
    public static async Task<JsonObject> RunAsync(string backendUrl, params string[] arguments)
    {
        await using var python = Start(backendUrl, arguments);
        return await python.ResultAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts a command; read its lines with <see cref="NextAsync"/>.</summary>
    public static PythonCelery Start(string backendUrl, params string[] arguments)
    {
        if (Problem is { } problem) throw new InvalidOperationException(problem);
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "python", "interop.py"));
        start.ArgumentList.Add(backendUrl);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var python = new PythonCelery(new Process { StartInfo = start });
        python._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) python._lines.Writer.TryComplete();
            else if (e.Data.StartsWith('{')) python._lines.Writer.TryWrite(JsonNode.Parse(e.Data)!.AsObject());
        };
        python._process.ErrorDataReceived += (_, e) =>
        {
            lock (python._stderr) python._stderr.AppendLine(e.Data);
        };
        python._process.Start();
        python._process.BeginOutputReadLine();
        python._process.BeginErrorReadLine();
        return python;
    }

    /// <summary>The next JSON line.</summary>
    public async Task<JsonObject> NextAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await _lines.Reader.ReadAsync(timeout.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            throw new InvalidOperationException($"python printed no further JSON line: {StandardError}", error);
        }
    }

    /// <summary>Waits for the process to end and returns its last JSON line; fails with its stderr on a non-zero exit.</summary>
    public async Task<JsonObject> ResultAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the output events
        if (_process.ExitCode != 0) throw new InvalidOperationException($"python exited with {_process.ExitCode}: {StandardError}");
        JsonObject? last = null;
        while (_lines.Reader.TryRead(out var line)) last = line;
        return last ?? throw new InvalidOperationException("python printed no JSON: " + StandardError);
    }

    private string StandardError
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private static string? FindProblem()
    {
        if (!File.Exists(Interpreter)) return $"{Interpreter} not found";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(Interpreter, "-c \"import celery, redis; print(celery.__version__)\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var version = probe.StandardOutput.ReadToEnd().Trim();
            probe.WaitForExit();
            return probe.ExitCode == 0 ? null : $"{Interpreter} cannot import celery and redis (apt-get install python3-celery python3-redis)";
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return $"{Interpreter} cannot run: {error.Message}";
        }
    }
}
