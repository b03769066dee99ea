using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// A delivered message's properties for publishing it again, unchanged but for what would harm the
/// copy: the <c>x-death</c>, <c>x-first-death-*</c> and <c>x-last-death-*</c> headers RabbitMQ added when it
/// dead-lettered the message (RabbitMQ before 4.0.1 drops a message whose <c>x-death</c> shows a cycle
/// through the same delay queue, celery#9867) and the per-message <c>expiration</c>, which already
/// ran its course when the message was delivered (on a copy it would restart and expire it early).
/// </summary>
internal static class DeliveryCopy
{
    /// <summary>A copy of <paramref name="properties"/> to publish again.</summary>
    public static BasicProperties Properties(IReadOnlyBasicProperties properties)
    {
        var copy = new BasicProperties(properties) { Expiration = null };
        copy.Headers = properties.Headers is { } headers ? StripDeaths(headers) : null;
        return copy;
    }

    /// <summary>Removes the dead-letter headers from <paramref name="properties"/> (a copy made by us).</summary>
    public static BasicProperties Stripped(BasicProperties properties)
    {
        properties.Expiration = null;
        if (properties.Headers is { } headers) properties.Headers = StripDeaths(headers);
        return properties;
    }

    private static Dictionary<string, object?> StripDeaths(IDictionary<string, object?> headers)
    {
        var kept = new Dictionary<string, object?>(headers.Count, StringComparer.Ordinal);
        foreach (var (key, value) in headers)
            if (!IsDeathHeader(key)) kept[key] = value;
        return kept;
    }

    /// <summary>Whether <paramref name="key"/> is one of the headers RabbitMQ writes when it dead-letters.</summary>
    public static bool IsDeathHeader(string key) =>
        key == "x-death" || key.StartsWith("x-first-death-", StringComparison.Ordinal) || key.StartsWith("x-last-death-", StringComparison.Ordinal);
}
