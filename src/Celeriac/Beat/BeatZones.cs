namespace Celeriac.Beat;

/// <summary>The zone an entry's wall-clock schedule is read in: its own, else the app's <see cref="CeleriacOptions.Timezone"/>.</summary>
internal static class BeatZones
{
    /// <summary>Finds the IANA zone; throws <see cref="TimeZoneNotFoundException"/> naming the entry when it is unknown.</summary>
    public static TimeZoneInfo For(BeatEntry entry, CeleriacOptions options)
    {
        var name = entry.TimeZone ?? options.Timezone;
        if (string.IsNullOrWhiteSpace(name) || name.Equals("UTC", StringComparison.OrdinalIgnoreCase)) return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            var setting = entry.TimeZone is null ? "the app's timezone" : "its timezone";
            throw new TimeZoneNotFoundException($"Beat entry '{entry.Name}': {setting} '{name}' is not a known IANA time zone.", ex);
        }
    }
}
