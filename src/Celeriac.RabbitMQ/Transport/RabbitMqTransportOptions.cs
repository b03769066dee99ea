using System.Globalization;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// The RabbitMQ keys of <c>broker_transport_options</c>: <c>confirm_publish</c> (publisher confirms,
/// true by default where kombu defaults to false), <c>confirm_timeout</c> (seconds a publish waits for
/// its confirm, 30 by default) and <c>connection_max_retries</c> (tries of the very first connection,
/// Celery's <c>broker_connection_max_retries</c>, 100 by default; 0 means try forever). Other keys
/// are left to the transports that know them.
/// </summary>
internal sealed record RabbitMqTransportOptions
{
    /// <summary>Whether publishes wait for the broker's confirm.</summary>
    public bool ConfirmPublish { get; init; } = true;

    /// <summary>How long a publish waits for its confirm.</summary>
    public TimeSpan ConfirmTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Tries of the first connection before giving up; 0 = no limit.</summary>
    public int ConnectionMaxRetries { get; init; } = 100;

    /// <summary>Reads the options from <c>broker_transport_options</c>.</summary>
    /// <exception cref="FormatException">A value is malformed.</exception>
    public static RabbitMqTransportOptions From(IDictionary<string, string> options)
    {
        var parsed = new RabbitMqTransportOptions();
        if (options.TryGetValue("confirm_publish", out var confirm))
            parsed = parsed with { ConfirmPublish = Bool("confirm_publish", confirm) };
        if (options.TryGetValue("confirm_timeout", out var timeout))
            parsed = parsed with { ConfirmTimeout = double.TryParse(timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && double.IsFinite(s)
                ? TimeSpan.FromSeconds(s) : throw new FormatException($"broker_transport_options confirm_timeout={timeout} is not a positive number of seconds.") };
        if (options.TryGetValue("connection_max_retries", out var retries))
            parsed = parsed with { ConnectionMaxRetries = int.TryParse(retries, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n : throw new FormatException($"broker_transport_options connection_max_retries={retries} is not a count.") };
        return parsed;
    }

    private static bool Bool(string key, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new FormatException($"broker_transport_options {key}={value} is not true or false."),
    };
}
