namespace Celeriac.CommandLine;

/// <summary>
/// Makes or lends the <see cref="CeleriacApp"/> a command talks through: in the standalone tool a new one from
/// the global options, in an app's own command line (<c>app.RunCommandLineAsync(args)</c>) that app. Every URL
/// problem is found here, before anything connects, and reported as a usage error naming the option.
/// </summary>
internal static class CliAppFactory
{
    private const string AmqpConnectTries = "3";

    /// <summary>
    /// The app for one command: the embedded app (<see cref="CliSettings.App"/>; the lease leaves it open) with
    /// -b/--result-backend applied, else a new one from the settings (the lease disposes it).
    /// </summary>
    /// <param name="settings">The invocation's settings.</param>
    /// <param name="inProcessBroker">
    /// True for a command that consumes in this process (<c>worker</c>), for which an embedded app's
    /// <c>memory://</c> broker is fine; the others must reach workers elsewhere.
    /// </param>
    /// <param name="configure">More settings of the command's own for a new app (beat: its logger and timezone); an embedded app keeps its own.</param>
    public static CliAppLease Open(CliSettings settings, bool inProcessBroker = false, Action<CeleriacOptions>? configure = null)
    {
        if (settings.App is not { } app) return new CliAppLease(Create(settings, configure), owned: true);
        UseCommandLineUrls(app, settings);
        if (!inProcessBroker && IsMemory(app.Options.BrokerUrl))
            throw CliException.Usage($"The app's broker '{app.Options.BrokerUrl}' lives in this process, where no worker runs; pass -b redis://… or amqp://…");
        return new CliAppLease(app, owned: false);
    }

    /// <summary>A new app from the settings' URLs, for one command.</summary>
    /// <param name="settings">The invocation's settings.</param>
    /// <param name="configure">More settings of the command's own (beat: its logger and timezone), applied last.</param>
    public static CeleriacApp Create(CliSettings settings, Action<CeleriacOptions>? configure = null)
    {
        var broker = settings.BrokerUrl ?? throw CliException.Usage(
            $"No broker: pass -b/--broker (e.g. -b redis://localhost:6379/0) or set {GlobalOptions.BrokerVariable}");
        if (IsMemory(broker))
            throw CliException.Usage($"--broker '{broker}' is an in-process broker no worker can share; use redis:// or amqp://");
        var scheme = CheckUrls(broker, settings.ResultBackend);
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

    /// <summary>
    /// -b/--result-backend over the embedded app's own URLs, as Celery's <c>-b</c> overrides <c>broker_url</c>:
    /// possible until the app has connected. Redis and RabbitMQ are registered if the app has not done so.
    /// </summary>
    private static void UseCommandLineUrls(CeleriacApp app, CliSettings settings)
    {
        var options = app.Options;
        var broker = settings.BrokerUrl ?? options.BrokerUrl;
        var changed = broker != options.BrokerUrl || settings.ResultBackend != options.ResultBackend;
        if (changed)
        {
            if (app.IsConnected)
                throw CliException.Usage("-b/--result-backend come too late: the app has already connected to its broker or backend");
            if (!IsMemory(broker)) CheckUrls(broker, settings.ResultBackend);
            options.BrokerUrl = broker;
            options.ResultBackend = settings.ResultBackend;
        }
        if (!options.Providers.HasTransport("redis")) options.UseRedis();
        if (!options.Providers.HasTransport("amqp")) options.UseRabbitMq();
    }

    private static bool IsMemory(string url) => url.StartsWith("memory:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks both URLs and returns the broker's scheme (redis, rediss, amqp or amqps).</summary>
    private static string CheckUrls(string broker, string? backend)
    {
        try
        {
            // The settings' own checks (scheme and "://" in both URLs), before anything is created.
            new CeleriacOptions { BrokerUrl = broker, ResultBackend = backend }.Validate();
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(e.Message);
        }
        var scheme = broker.Contains("://", StringComparison.Ordinal) ? broker[..broker.IndexOf(':')].ToLowerInvariant() : "";
        if (scheme is "redis" or "rediss") CheckRedisUrl(broker);
        else if (scheme is not ("amqp" or "amqps"))
            throw CliException.Usage($"--broker '{broker}' is not a redis://, rediss://, amqp:// or amqps:// URL");
        return scheme;
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
