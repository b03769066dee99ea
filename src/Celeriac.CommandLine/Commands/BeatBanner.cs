using System.Globalization;
using Celeriac.Control.Mailbox.Commands;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// What <c>celeriac beat</c> prints before it starts: Celery's <c>celery beat</c> banner (celery/apps/beat.py), with
/// our scheduler, its state and the schedule file in place of Celery's loader and shelve database.
/// </summary>
internal static class BeatBanner
{
    /// <param name="version">This tool's version.</param>
    /// <param name="brokerUrl">The broker; its password is masked as kombu's <c>as_uri()</c> masks it (<c>**</c>).</param>
    /// <param name="loader">Where the entries came from: the schedule file and/or the app.</param>
    /// <param name="db">Where the beat keeps each entry's last run.</param>
    /// <param name="logLevel">Celery's level name, e.g. <c>WARNING</c>.</param>
    /// <param name="maxInterval">The longest the loop sleeps.</param>
    /// <param name="localTime">Now, local time.</param>
    public static string Text(string version, string brokerUrl, string loader, string db, string logLevel, TimeSpan maxInterval, DateTime localTime) =>
        $"celeriac beat v{version} is starting.\n" +
        "__    -    ... __   -        _\n" +
        $"LocalTime -> {localTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}\n" +
        "Configuration ->\n" +
        $"    . broker -> {SettingsMask.Url(brokerUrl, "**")}\n" +
        $"    . loader -> {loader}\n" +
        "    . scheduler -> Celeriac.Beat.CeleriacBeat\n" +
        $"    . db -> {db}\n" +
        $"    . logfile -> [stderr]@%{logLevel}\n" +
        $"    . maxinterval -> {HumanizeSeconds(maxInterval.TotalSeconds)} ({Seconds(maxInterval.TotalSeconds)}s)";

    /// <summary>Celery's <c>humanize_seconds</c>: <c>5.00 minutes</c>, <c>1.00 second</c>, <c>now</c> below a second.</summary>
    public static string HumanizeSeconds(double seconds)
    {
        seconds = Math.Round(seconds, 2);
        (string Unit, double Divider)[] units = [("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)];
        foreach (var (unit, divider) in units)
        {
            if (seconds < divider) continue;
            var n = seconds / divider;
            return $"{n.ToString("F2", CultureInfo.InvariantCulture)} {unit}{(n == 1 ? "" : "s")}";
        }
        return "now";
    }

    private static string Seconds(double seconds) =>
        seconds % 1 == 0 ? ((long)seconds).ToString(CultureInfo.InvariantCulture) : seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
