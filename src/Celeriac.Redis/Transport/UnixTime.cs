namespace Celeriac.Redis.Transport;

/// <summary>Unix time in float seconds, as kombu's <c>time()</c> scores <c>unacked_index</c> (docs/protocol.md §2.4).</summary>
internal static class UnixTime
{
    public static double Seconds(TimeProvider clock) => (clock.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;
}
