using Celeriac.RabbitMQ.Tests.Infrastructure;

namespace Celeriac.RabbitMQ.Tests.Delay;

/// <summary>
/// A private rabbitmq-server whose <c>consumer_timeout</c> is 3 s, with the channel's check of it
/// every 0.5 s instead of RabbitMQ's every 60 s (<c>channel_tick_interval</c>), so a delivery held
/// unacked past 3 s closes its channel within a second — the failure celery#6760 reports, in seconds.
/// </summary>
public sealed class ConsumerTimeoutBroker : IAsyncLifetime
{
    /// <summary>The broker's consumer_timeout.</summary>
    public static readonly TimeSpan ConsumerTimeout = TimeSpan.FromSeconds(3);

    private RabbitMqServer? _server;

    internal RabbitMqServer Server => _server ?? throw new InvalidOperationException("rabbitmq-server was not started (not installed?)");

    public async Task InitializeAsync()
    {
        if (RabbitMqServer.SkipReason() is not null) return;
        _server = await RabbitMqServer.StartAsync(new Dictionary<string, string> { ["consumer_timeout"] = "3000" });
        // Channels read it each time they re-arm their tick, so channels opened from now on check every 0.5 s.
        await _server.EvalAsync("application:set_env(rabbit, channel_tick_interval, 500).");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>Lines of the broker's log that report a consumer_timeout.</summary>
    internal IReadOnlyList<string> TimeoutsLogged() =>
        Directory.EnumerateFiles(Server.Directory, "*.log", SearchOption.AllDirectories)
            .SelectMany(f => ReadShared(f).Split('\n'))
            .Concat(Server.Log.Split('\n'))
            .Where(l => l.Contains("timed out waiting for delivery acknowledgement", StringComparison.Ordinal) || l.Contains("delivery acknowledgement on channel", StringComparison.Ordinal))
            .ToList();

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
