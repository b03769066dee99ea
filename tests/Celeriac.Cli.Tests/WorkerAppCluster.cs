using System.Diagnostics;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// A private redis-server for samples/WorkerApp's worker processes, and a client app on it that sends them
/// tasks and reads their results.
/// </summary>
public sealed class WorkerAppCluster : IAsyncLifetime
{
    private RedisServer? _redis;

    public CeleriacApp Client { get; private set; } = null!;

    public string BrokerUrl => _redis!.Url();

    public async Task InitializeAsync()
    {
        if (ExternalTool.SkipReason("redis-server", "apt-get install redis-server") is not null) return; // the tests skip
        _redis = await RedisServer.StartAsync();
        Client = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = _redis.Url();
            o.ResultBackend = _redis.Url();
            o.UseRedis();
        });
    }

    public Task<AsyncResult> SendAsync(string task, string queue, params object?[] args) =>
        Client.SendTaskAsync(task, args, options: new TaskSendOptions { Queue = queue });

    /// <summary>How many messages wait in <paramref name="queue"/> (redis-cli LLEN).</summary>
    public async Task<long> QueueLengthAsync(string queue)
    {
        var start = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(ExternalTool.Find("redis-server"))!, "redis-cli"))
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-p", _redis!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "LLEN", queue]) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return long.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        if (Client is not null) await Client.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }
}
