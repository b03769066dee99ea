using Celeriac.Redis.Layout;
using Celeriac.Transport;

namespace Celeriac.Redis.Backend;

/// <summary>
/// What the Redis result backend takes from the app's options: where Redis is, the key layout
/// (<c>global_keyprefix</c> of <c>result_backend_transport_options</c>, joined with <c>_</c>;
/// docs/protocol.md §4.10), the TTL every write sets (<c>result_expires</c>, docs/protocol.md §4.2) and whether the chord
/// join keeps parts in a sorted set or a list (<c>result_chord_ordered</c>, docs/protocol.md §4.8).
/// </summary>
internal sealed record RedisBackendSettings
{
    /// <summary>Server, database, credentials and timeouts.</summary>
    public required RedisConnectionOptions Connection { get; init; }

    /// <summary>Key and channel names.</summary>
    public required RedisLayout Layout { get; init; }

    /// <summary>
    /// Whole seconds for <c>SETEX</c>/<c>EXPIRE</c>, or 0 for no expiry (plain <c>SET</c>, no
    /// <c>EXPIRE</c>). Celery converts <c>result_expires</c> with <c>int()</c> and treats 0 as none.
    /// </summary>
    public long ExpiresSeconds { get; init; } = 86400;

    /// <summary>Chord parts in a sorted set scored by group index (default) rather than a list.</summary>
    public bool ChordOrdered { get; init; } = true;

    /// <summary>Reads the settings from a provider context (the backend URL and the app's options).</summary>
    public static RedisBackendSettings From(ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // OriginalString: Uri would re-escape the user info (a password with '%' or '@').
        var connection = RedisConnectionOptions.Parse(context.Url.OriginalString);
        var options = context.Options.ResultBackendTransportOptions;
        var prefix = options.TryGetValue("global_keyprefix", out var p) ? p ?? "" : "";
        var ordered = !options.TryGetValue("result_chord_ordered", out var o) || ParseBool(o, "result_chord_ordered");
        return new RedisBackendSettings
        {
            Connection = connection,
            Layout = new RedisLayout(connection.Database, resultKeyPrefix: prefix),
            ExpiresSeconds = Seconds(context.Options.ResultExpires),
            ChordOrdered = ordered,
        };
    }

    /// <summary>Celery's <c>int(result_expires)</c>: null, zero and sub-second values mean no expiry.</summary>
    public static long Seconds(TimeSpan? expires) =>
        expires is { } e && e > TimeSpan.Zero ? (long)e.TotalSeconds : 0;

    private static bool ParseBool(string? value, string name) => value?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new FormatException($"result_backend_transport_options['{name}'] must be true or false, not '{value}'."),
    };
}
