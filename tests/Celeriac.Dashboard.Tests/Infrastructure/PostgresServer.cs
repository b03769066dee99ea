using System.Diagnostics;
using Celeriac.Redis.Tests.Infrastructure;
using Npgsql;

namespace Celeriac.Dashboard.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL for one test class: initdb into a temporary folder, started on a free loopback port
/// (fsync off: a test's data need not survive a crash), stopped and deleted by its own data directory — it
/// never touches another cluster. As root it runs as the <c>postgres</c> user (the server refuses root).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _bin, _dataDir;
    private int _databases;

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        _bin = PostgresTools.BinDirectory();
        if (_bin is null)
        {
            if (ExternalTool.IsCi) throw new InvalidOperationException($"PostgreSQL was not found (CELERIAC_PG_BIN or /usr/lib/postgresql/N/bin); the dashboard store tests need it ({PostgresTools.Install}).");
            return; // the tests are skipped by PostgresFact
        }
        var root = Directory.CreateTempSubdirectory("celeriac-pg-").FullName;
        _dataDir = Path.Combine(root, "data");
        if (Environment.UserName == "root") await RunAsync("chown", "-R", "postgres:postgres", root);
        Port = FreePort.Pick();
        await RunPgAsync("initdb", "-D", _dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync");
        await RunPgAsync("pg_ctl", "-D", _dataDir, "-w", "-t", "60", "-l", Path.Combine(root, "log"), "-o",
            $"-p {Port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");
    }

    /// <summary>A fresh, empty database and its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20";

    public async Task DisposeAsync()
    {
        if (_dataDir is null) return;
        try { await RunPgAsync("pg_ctl", "-D", _dataDir, "-m", "immediate", "-w", "stop"); }
        finally { Directory.Delete(Path.GetDirectoryName(_dataDir)!, recursive: true); }
    }

    private Task RunPgAsync(string tool, params string[] args)
    {
        var path = Path.Combine(_bin!, tool);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args])
            : RunAsync(path, args);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }
}
