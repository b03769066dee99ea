using System.Globalization;
using System.Text;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// The RabbitMQ version a connection's server properties announce, and what follows from it: a
/// per-consumer <c>x-consumer-timeout</c> (a <c>basic.consume</c> argument) is honoured from 3.12 on;
/// before, consumer_timeout is server-wide only (rabbitmq.conf).
/// </summary>
internal static class BrokerVersion
{
    /// <summary>Major and minor version from server properties; null when absent or unreadable.</summary>
    public static Version? Of(IDictionary<string, object?>? serverProperties)
    {
        if (serverProperties is null || !serverProperties.TryGetValue("version", out var raw)) return null;
        var text = raw switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string s => s,
            _ => null,
        };
        return Parse(text);
    }

    /// <summary>The leading <c>major.minor</c> of a version text such as <c>3.10.8</c> or <c>4.0.0-beta.1</c>.</summary>
    public static Version? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Trim().Split('.', '-', '+');
        if (parts.Length < 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)) return null;
        return new Version(major, minor);
    }

    /// <summary>Whether a broker of <paramref name="version"/> takes <c>x-consumer-timeout</c> on <c>basic.consume</c>.</summary>
    public static bool TakesPerConsumerTimeout(Version? version) => version is not null && version >= new Version(3, 12);
}
