using System.Collections.Concurrent;

namespace Celeriac.Beat.Schedules;

/// <summary>
/// Entry and app time zones by IANA id (<c>Europe/Berlin</c>; <c>UTC</c> in any case), as Celery's
/// <c>timezone</c> setting names them. An unknown id is an error that names it.
/// </summary>
internal static class BeatTimeZones
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Found = new(StringComparer.Ordinal);

    /// <summary>The zone named <paramref name="id"/>; throws <see cref="TimeZoneNotFoundException"/> naming it when there is none.</summary>
    public static TimeZoneInfo Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (Found.TryGetValue(id, out var zone)) return zone;
        zone = Lookup(id);
        Found.TryAdd(id, zone);
        return zone;
    }

    /// <summary>Non-throwing <see cref="Find"/>.</summary>
    public static bool TryFind(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (id is null) return false;
        try
        {
            zone = Find(id);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
    }

    private static TimeZoneInfo Lookup(string id)
    {
        var trimmed = id.Trim();
        if (trimmed.Equals("UTC", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("Etc/UTC", StringComparison.OrdinalIgnoreCase))
            return TimeZoneInfo.Utc;
        try
        {
            if (trimmed.Length > 0) return TimeZoneInfo.FindSystemTimeZoneById(trimmed);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or System.Security.SecurityException or IOException or UnauthorizedAccessException)
        {
            throw new TimeZoneNotFoundException($"Unknown time zone '{id}': use an IANA zone id such as 'Europe/Berlin' or 'UTC'.", e);
        }
        throw new TimeZoneNotFoundException($"Unknown time zone '{id}': use an IANA zone id such as 'Europe/Berlin' or 'UTC'.");
    }
}
