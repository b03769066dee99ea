using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Events;

/// <summary>
/// What a worker says about itself in <c>worker-*</c> events (docs/protocol.md §6.4): Celery's
/// <c>SOFTWARE_INFO</c> and <c>load_average()</c>.
/// </summary>
internal static class WorkerInfo
{
    /// <summary><c>sw_ident</c>: Python sends <c>py-celery</c>; monitors only display it.</summary>
    public const string SoftwareIdent = "celeriac";

    /// <summary><c>sw_ver</c>: the assembly's informational version without the <c>+commit</c> suffix.</summary>
    public static string SoftwareVersion { get; } = Version();

    /// <summary><c>sw_sys</c>: Python's <c>platform.system()</c>.</summary>
    public static string SoftwareSystem { get; } =
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "Windows"
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "Darwin"
        : RuntimeInformation.IsOSPlatform(OSPlatform.FreeBSD) ? "FreeBSD"
        : "Linux";

    /// <summary>Adds <c>sw_ident</c>, <c>sw_ver</c>, <c>sw_sys</c> to <paramref name="fields"/> and returns it.</summary>
    public static JsonObject AddSoftware(JsonObject fields)
    {
        fields["sw_ident"] = SoftwareIdent;
        fields["sw_ver"] = SoftwareVersion;
        fields["sw_sys"] = SoftwareSystem;
        return fields;
    }

    /// <summary>
    /// The 1, 5 and 15 minute load averages rounded <em>up</em> to two decimals, as Celery's
    /// <c>load_average()</c> (<c>ceil(l * 100) / 100</c>); zeros where the system has none (Windows).
    /// </summary>
    public static JsonArray LoadAverage(string path = "/proc/loadavg")
    {
        var values = new double[3];
        try
        {
            if (File.Exists(path))
            {
                var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                for (var i = 0; i < 3 && i < parts.Length; i++)
                    if (double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var l)) values[i] = RoundUp(l);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return [CeleryJson.PythonFloat(values[0]), CeleryJson.PythonFloat(values[1]), CeleryJson.PythonFloat(values[2])];
    }

    /// <summary><c>ceil(l * 1e2) / 1e2</c>.</summary>
    public static double RoundUp(double load) => Math.Ceiling(load * 1e2) / 1e2;

    private static string Version()
    {
        var informational = typeof(WorkerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(WorkerInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
