using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.RabbitMQ.Tests.Infrastructure;

/// <summary>
/// A private rabbitmq-server (Debian's) on 127.0.0.1 and ports of its own: its own node name, data
/// directory, Erlang cookie (HOME) and epmd on a private port, so it never touches a system broker
/// and stops exactly what it started. Can be stopped (a crash: SIGKILL, or a clean stop) and started
/// again on the same ports with the same data, to test reconnects. Killed on dispose, and at test-host
/// exit if a test forgot. Starting takes ~6 s here, so most test classes share <see cref="SharedAsync"/>
/// and keep apart by virtual host (<see cref="CreateVirtualHostAsync"/>).
/// </summary>
internal sealed class RabbitMqServer : IAsyncDisposable
{
    /// <summary>Where Debian installs the server script that runs in the foreground (not the su wrapper in /usr/sbin).</summary>
    public const string DefaultBinary = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private static readonly ConcurrentDictionary<RabbitMqServer, byte> Running = new();
    private static readonly SemaphoreSlim SharedLock = new(1, 1);
    private static RabbitMqServer? _shared;
    private static int _vhosts;

    private readonly string _binary;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly StringBuilder _log = new();
    private Process? _epmd;
    private Process? _server;

    static RabbitMqServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var server in Running.Keys) server.Kill();
    };

    private RabbitMqServer(string binary, IReadOnlyDictionary<string, string> settings)
    {
        _binary = binary;
        _settings = settings;
        Port = FreePort.Pick();
        DistributionPort = FreePort.Pick();
        EpmdPort = FreePort.Pick();
        Directory = System.IO.Directory.CreateTempSubdirectory("celeriac-rabbitmq-").FullName;
        NodeName = $"celeriac{Port}@localhost";
    }

    /// <summary>The AMQP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Erlang distribution port (rabbitmqctl talks to the node through it).</summary>
    public int DistributionPort { get; }

    /// <summary>The private epmd's port.</summary>
    public int EpmdPort { get; }

    /// <summary>The Erlang node name, for rabbitmqctl <c>-n</c>.</summary>
    public string NodeName { get; }

    /// <summary>Scratch directory: config, data, logs, HOME with the cookie.</summary>
    public string Directory { get; }

    /// <summary>What the server printed (its log files hold the rest: <see cref="Directory"/>/log).</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>True when the program is installed (or the CELERIAC_RABBITMQ_SERVER override points at a file).</summary>
    public static string? FindBinary()
    {
        var overridden = System.Environment.GetEnvironmentVariable("CELERIAC_RABBITMQ_SERVER");
        if (!string.IsNullOrEmpty(overridden)) return File.Exists(overridden) ? overridden : null;
        return File.Exists(DefaultBinary) ? DefaultBinary : null;
    }

    /// <summary>Skip reason outside CI when the server is missing; null when tests can run (or must fail: CI).</summary>
    public static string? SkipReason() =>
        FindBinary() is null && !ExternalTool.IsCi
            ? "rabbitmq-server is not installed (apt-get install rabbitmq-server); skipped outside CI. With CI=true this test fails instead."
            : null;

    /// <summary>An <c>amqp://</c> URL for <paramref name="virtualHost"/> (<c>/</c> by default) as user guest.</summary>
    public string Url(string virtualHost = "/", string? query = null) =>
        $"amqp://guest:guest@127.0.0.1:{Port}/{Uri.EscapeDataString(virtualHost)}{(query is null ? "" : "?" + query)}";

    /// <summary>
    /// The server of this test process, started on first use and killed at exit. Tests on it create
    /// their own virtual host; tests that stop or reconfigure the broker start their own instead.
    /// </summary>
    public static async Task<RabbitMqServer> SharedAsync()
    {
        await SharedLock.WaitAsync();
        try
        {
            return _shared ??= await StartAsync();
        }
        finally
        {
            SharedLock.Release();
        }
    }

    /// <summary>
    /// Starts a server; <paramref name="settings"/> are extra <c>rabbitmq.conf</c> lines
    /// (e.g. <c>consumer_timeout = 3000</c>).
    /// </summary>
    public static async Task<RabbitMqServer> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(
            $"rabbitmq-server was not found ({DefaultBinary}, or CELERIAC_RABBITMQ_SERVER); the RabbitMQ tests need it (apt-get install rabbitmq-server).");
        for (var attempt = 1; ; attempt++)
        {
            var server = new RabbitMqServer(binary, settings ?? new Dictionary<string, string>());
            try
            {
                await server.StartProcessesAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // A port picked free was taken before the server bound it: try other ports.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>A fresh virtual host, with full permissions for guest; its name is unique in this process.</summary>
    public async Task<string> CreateVirtualHostAsync(string prefix = "test")
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _vhosts)}-{Guid.NewGuid():N}";
        await CtlAsync("add_vhost", name);
        await CtlAsync("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
        return name;
    }

    /// <summary>Runs <c>rabbitmqctl</c> against this node and returns its standard output; throws on a non-zero exit.</summary>
    public async Task<string> CtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(_binary)!, "rabbitmqctl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add(NodeName);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        SetEnvironment(start);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}{await output}");
        return await output;
    }

    /// <summary>Evaluates an Erlang expression in the broker (e.g. <c>application:set_env(rabbit, consumer_timeout, 3000).</c>).</summary>
    public Task<string> EvalAsync(string expression) => CtlAsync("eval", expression);

    /// <summary>
    /// Lists queues of a virtual host as tab-separated columns (<c>name durable auto_delete exclusive arguments</c> by default).
    /// </summary>
    public async Task<IReadOnlyList<string[]>> ListAsync(string what, string virtualHost, params string[] columns)
    {
        var output = await CtlAsync(["list_" + what, "-p", virtualHost, "--quiet", "--no-table-headers", .. columns]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
    }

    /// <summary>Stops the broker: <paramref name="crash"/> kills it (SIGKILL), else a clean stop. Waits until it is gone.</summary>
    public async Task StopAsync(bool crash = true)
    {
        var process = _server;
        if (process is null) return;
        if (crash) KillServer();
        else
        {
            var pid = ReadBeamPid();
            if (pid is { } beam) TrySignal(beam, "TERM");
            else process.Kill(entireProcessTree: true);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            KillServer();
            await process.WaitForExitAsync();
        }
        // The Erlang VM may outlive the wrapper script for a moment: wait for the port to close.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && await ListeningAsync()) await Task.Delay(100);
        _server = null;
    }

    /// <summary>Starts the broker again on the same ports and data, after <see cref="StopAsync"/>.</summary>
    public Task StartAgainAsync() => StartServerAsync();

    public async ValueTask DisposeAsync()
    {
        Kill();
        if (_server is { } server) await server.WaitForExitAsync();
        if (_epmd is { } epmd) await epmd.WaitForExitAsync();
        Running.TryRemove(this, out _);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task StartProcessesAsync()
    {
        foreach (var sub in new[] { "home", "mnesia", "log" }) System.IO.Directory.CreateDirectory(Path.Combine(Directory, sub));
        var config = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"listeners.tcp.1 = 127.0.0.1:{Port}")
            .AppendLine("loopback_users.guest = false")
            .AppendLine("log.file.level = warning")
            .AppendLine("log.console = false");
        foreach (var (key, value) in _settings) config.AppendLine(CultureInfo.InvariantCulture, $"{key} = {value}");
        await File.WriteAllTextAsync(Path.Combine(Directory, "rabbitmq.conf"), config.ToString());
        await File.WriteAllTextAsync(Path.Combine(Directory, "enabled_plugins"), "[].");
        await File.WriteAllTextAsync(Path.Combine(Directory, "rabbitmq-env.conf"), "");
        Running.TryAdd(this, 0);

        // Our own epmd on a private port: the node registers there, rabbitmqctl finds it there, and
        // no system-wide epmd is started or left behind.
        var epmd = new ProcessStartInfo("epmd") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-port", EpmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1" }) epmd.ArgumentList.Add(argument);
        _epmd = Process.Start(epmd)!;
        _epmd.OutputDataReceived += (_, e) => Append(e.Data);
        _epmd.ErrorDataReceived += (_, e) => Append(e.Data);
        _epmd.BeginOutputReadLine();
        _epmd.BeginErrorReadLine();
        await WaitForPortAsync(EpmdPort, TimeSpan.FromSeconds(10), _epmd, "epmd");
        await StartServerAsync();
    }

    private async Task StartServerAsync()
    {
        var start = new ProcessStartInfo(_binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        SetEnvironment(start);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _server = process;
        await WaitForPortAsync(Port, TimeSpan.FromSeconds(90), process, "rabbitmq-server");
        // The listener opens a moment before the broker accepts connections in every vhost: ask it.
        await CtlAsync("await_startup");
    }

    private void SetEnvironment(ProcessStartInfo start)
    {
        var env = start.Environment;
        env["HOME"] = Path.Combine(Directory, "home"); // the Erlang cookie lives here
        env["RABBITMQ_NODENAME"] = NodeName;
        env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        env["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        env["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture);
        env["RABBITMQ_CONFIG_FILE"] = Path.Combine(Directory, "rabbitmq.conf");
        env["RABBITMQ_MNESIA_BASE"] = Path.Combine(Directory, "mnesia");
        env["RABBITMQ_LOG_BASE"] = Path.Combine(Directory, "log");
        env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(Directory, "enabled_plugins");
        env["RABBITMQ_PID_FILE"] = Path.Combine(Directory, "beam.pid");
        env["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(Directory, "rabbitmq-env.conf");
        env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        env["ERL_EPMD_PORT"] = EpmdPort.ToString(CultureInfo.InvariantCulture);
        env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        env["RABBITMQ_CTL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
    }

    private async Task WaitForPortAsync(int port, TimeSpan within, Process process, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"{what} exited with code {process.ExitCode} on start:\n{Log}");
            }
            if (await ListeningAsync(port)) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"{what} did not listen on port {port} within {within.TotalSeconds} s:\n{Log}");
    }

    private Task<bool> ListeningAsync() => ListeningAsync(Port);

    private static async Task<bool> ListeningAsync(int port)
    {
        try
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private int? ReadBeamPid()
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(Directory, "beam.pid")).Trim();
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void TrySignal(int pid, string signal)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false })!;
            kill.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private void KillServer()
    {
        if (ReadBeamPid() is { } beam) TrySignal(beam, "KILL");
        try
        {
            if (_server is { HasExited: false } server) server.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void Kill()
    {
        KillServer();
        try
        {
            if (_epmd is { HasExited: false } epmd) epmd.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
