namespace Celeriac.Diagnostics;

/// <summary>
/// The <c>messaging.system</c> attribute from the broker URL's scheme: <c>redis</c>, <c>rabbitmq</c>,
/// <c>memory</c>, or the scheme itself for a transport we do not know by name.
/// </summary>
internal static class MessagingSystemName
{
    // One entry (swapped whole, so threads never see half of one): an app's broker URL does not
    // change between messages, so the name is worked out once, not per span.
    private static Entry? _last;

    public static string Of(string brokerUrl)
    {
        if (Volatile.Read(ref _last) is { } last && ReferenceEquals(last.Url, brokerUrl)) return last.Name;
        var end = brokerUrl.IndexOf(':', StringComparison.Ordinal);
        var scheme = (end > 0 ? brokerUrl[..end] : brokerUrl).ToLowerInvariant();
        var name = scheme switch
        {
            "redis" or "rediss" or "redis+socket" or "sentinel" => "redis",
            "amqp" or "amqps" or "pyamqp" or "librabbitmq" => "rabbitmq",
            _ => scheme,
        };
        Volatile.Write(ref _last, new Entry(brokerUrl, name));
        return name;
    }

    private sealed record Entry(string Url, string Name);
}
