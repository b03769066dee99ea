using System.Globalization;

namespace Celeriac.Redis.Transport;

/// <summary>Unix time in float seconds, as kombu's <c>time()</c> scores <c>unacked_index</c> (SPEC §2.4).</summary>
internal static class UnixTime
{
    public static double Seconds(TimeProvider clock) => (clock.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;

    /// <summary>The score as text: the shortest form that reads back as the same double, like Python's repr.</summary>
    public static string Score(TimeProvider clock) => Seconds(clock).ToString("R", CultureInfo.InvariantCulture);
}
