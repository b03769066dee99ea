namespace Celeriac.CommandLine;

/// <summary>
/// Makes the <see cref="CeleriacApp"/> a command talks through, from the global options. Every URL problem is
/// found here, before anything connects, and reported as a usage error naming the option.
/// </summary>
internal static class CliAppFactory
{
    private const string AmqpConnectTries = "3";

    /// <param name="settings">The invocation's settings.</param>
    /// <param name="configure">More settings of the command's own (beat: its logger and timezone), applied last.</param>
    public static CeleriacApp Create(CliSettings settings, Action<CeleriacOptions>? configure = null)
    {
        var broker = settings.BrokerUrl ?? throw CliException.Usage(
            $"No broker: pass -b/--broker (e.g. -b redis://localhost:6379/0) or set {GlobalOptions.BrokerVariable}");
        if (broker.StartsWith("memory:", StringComparison.OrdinalIgnoreCase))
            throw CliException.Usage($"--broker '{broker}' is an in-process broker no worker can share; use redis:// or amqp://");
        try
        {
            // The settings' own checks (scheme and "://" in both URLs), before anything is created.
            new CeleriacOptions { BrokerUrl = broker, ResultBackend = settings.ResultBackend }.Validate();
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(e.Message);
        }
        var scheme = broker.Contains("://", StringComparison.Ordinal) ? broker[..broker.IndexOf(':')].ToLowerInvariant() : "";
        if (scheme is "redis" or "rediss") CheckRedisUrl(broker);
        else if (scheme is not ("amqp" or "amqps"))
            throw CliException.Usage($"--broker '{broker}' is not a redis://, rediss://, amqp:// or amqps:// URL");
        return CeleriacApp.Create(o =>
        {
            o.BrokerUrl = broker;
            o.ResultBackend = settings.ResultBackend;
            // A command is one short conversation: give up on a broker that is down after a few tries
            // (about 2 s), not after the transport's 100 (minutes), which suit a worker waiting for its broker.
            if (scheme is "amqp" or "amqps") o.BrokerTransportOptions["connection_max_retries"] = AmqpConnectTries;
            o.UseRedis();
            o.UseRabbitMq();
            configure?.Invoke(o);
        });
    }

    // The transport parses its URL only when it first connects; parse it now so a bad port or database
    // is a usage error, not a failure halfway through a command.
    private static void CheckRedisUrl(string url)
    {
        try
        {
            Redis.RedisConnectionOptions.Parse(url);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw CliException.Usage($"--broker '{url}': {e.Message}");
        }
    }
}
