using Celeriac.Beat.Schedules;

namespace Celeriac.Beat;

/// <summary>The zone an entry's wall-clock schedule is read in: its own, else the app's <see cref="CeleriacOptions.Timezone"/>.</summary>
internal static class BeatZones
{
    /// <summary>Finds the IANA zone (<see cref="BeatTimeZones"/>); throws <see cref="TimeZoneNotFoundException"/> naming the entry when it is unknown.</summary>
    public static TimeZoneInfo For(BeatEntry entry, CeleriacOptions options)
    {
        var name = entry.TimeZone ?? options.Timezone;
        try
        {
            return BeatTimeZones.Find(name);
        }
        catch (TimeZoneNotFoundException ex)
        {
            var setting = entry.TimeZone is null ? "the app's timezone" : "its timezone";
            throw new TimeZoneNotFoundException($"Beat entry '{entry.Name}': {setting}: {ex.Message}", ex);
        }
    }
}
