using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Celeriac.Redis.Tests.Infrastructure;

/// <summary>
/// A private redis-server process on 127.0.0.1 and a port of its own, with persistence off
/// (<c>--save '' --appendonly no</c>). Can be stopped and started again on the same port to test
/// reconnects. Killed on dispose, and on test-host exit if a test forgot.
/// </summary>
internal sealed partial class RedisServer : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<RedisServer, byte> Running = new();
    private static readonly Lazy<int> MajorVersion = new(ReadMajorVersion);

    private readonly string _binary;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly StringBuilder _log = new();
    private Process? _process;

    static RedisServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var server in Running.Keys) server.Kill();
    };

    private RedisServer(string binary, int port, TlsFiles? tls, IReadOnlyList<string> extraArguments)
    {
        _binary = binary;
        Port = port;
        Tls = tls;
        _extraArguments = extraArguments;
        Directory = System.IO.Directory.CreateTempSubdirectory("celeriac-redis-").FullName;
    }

    public int Port { get; }

    public TlsFiles? Tls { get; }

    /// <summary>Scratch directory of this server (its working dir).</summary>
    public string Directory { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>A URL for this server; <paramref name="query"/> without the '?'.</summary>
    public string Url(int database = 0, string? userInfo = null, string? query = null, string host = "127.0.0.1") =>
        $"{(Tls is null ? "redis" : "rediss")}://{(userInfo is null ? "" : userInfo + "@")}{host}:{Port}/{database}{(query is null ? "" : "?" + query)}";

    public static async Task<RedisServer> StartAsync(TlsFiles? tls = null, params string[] extraArguments)
    {
        var binary = ExternalTool.Require("redis-server", "apt-get install redis-server");
        // The port is free when picked but could be taken before redis binds it: then pick again.
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(binary, FreePort.Pick(), tls, extraArguments);
            try
            {
                await server.StartProcessAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5 && server.Log.Contains("Address already in use", StringComparison.Ordinal))
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync(); // its temp dir too
                throw;
            }
        }
    }

    /// <summary>Kills the process (like a crash: no clean shutdown) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null) return;
        Kill();
        await process.WaitForExitAsync();
        _process = null;
        Running.TryRemove(this, out _);
    }

    /// <summary>Starts the server again on the same port, after <see cref="StopAsync"/>.</summary>
    public Task StartAgainAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var argument in Arguments()) start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Running.TryAdd(this, 0);
        await WaitUntilListeningAsync(process);
    }

    private IEnumerable<string> Arguments()
    {
        yield return "--bind";
        yield return "127.0.0.1";
        yield return "--save";
        yield return "";
        yield return "--appendonly";
        yield return "no";
        yield return "--daemonize";
        yield return "no";
        yield return "--dir";
        yield return Directory;
        if (MajorVersion.Value >= 7)
        {
            // DEBUG SLEEP drives the timeout test; Redis 7 turns DEBUG off by default.
            yield return "--enable-debug-command";
            yield return "yes";
        }
        if (Tls is null)
        {
            yield return "--port";
            yield return Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            foreach (var argument in new[]
            {
                "--port", "0", "--tls-port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tls-cert-file", Tls.CertificatePath, "--tls-key-file", Tls.KeyPath,
                "--tls-ca-cert-file", Tls.CertificatePath, "--tls-auth-clients", "no",
            }) yield return argument;
        }
        foreach (var argument in _extraArguments) yield return argument;
    }

    private async Task WaitUntilListeningAsync(Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} on start:\n{Log}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }
        Kill();
        throw new InvalidOperationException($"redis-server did not listen on port {Port} within 10 s:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false } process) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static int ReadMajorVersion()
    {
        using var process = Process.Start(new ProcessStartInfo(ExternalTool.Require("redis-server", "apt-get install redis-server"), "--version")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = VersionPattern().Match(output);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"v=(\d+)\.")]
    private static partial Regex VersionPattern();
}
