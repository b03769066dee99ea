using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary><c>conf</c> (the settings as JSON) and <c>report</c> (Celery's bug-report text).</summary>
internal static class ConfigCommands
{
    public static IEnumerable<ControlCommand> All =>
    [
        ControlCommand.Sync("conf", (c, a) => CelerySettings.Table(c.App.Options, a.Bool("with_defaults"))),
        ControlCommand.Sync("report", (c, _) => ControlCommand.Ok(Report(c.App.Options))),
    ];

    /// <summary>Celery's <c>bugreport</c> layout, with .NET's versions in place of Python's.</summary>
    internal static string Report(CeleriacOptions options)
    {
        var (transport, results) = TransportAndResults(options);
        var text = new StringBuilder();
        text.Append('\n')
            .Append($"software -> celeriac:{Version()} .net:{Environment.Version}\n")
            .Append($"            protocol:celery-5.2.6 {RuntimeInformation.FrameworkDescription}\n")
            .Append($"platform -> system:{OperatingSystemName()} arch:{RuntimeInformation.ProcessArchitecture}\n")
            .Append($"            kernel version:{Environment.OSVersion.Version} imp:.NET\n")
            .Append("loader   -> Celeriac.CeleriacApp\n")
            .Append($"settings -> transport:{transport} results:{results}\n")
            .Append('\n');
        foreach (var (key, value) in CelerySettings.Table(options, withDefaults: false))
            text.Append(key).Append(": ").Append(PythonRepr.Format(value, int.MaxValue)).Append('\n');
        return text.ToString();
    }

    /// <summary>The same report as JSON (the command line's <c>report --json</c>): the header's fields by name, then the settings.</summary>
    internal static JsonObject ReportJson(CeleriacOptions options)
    {
        var (transport, results) = TransportAndResults(options);
        return new JsonObject
        {
            ["software"] = new JsonObject
            {
                ["celeriac"] = Version(),
                [".net"] = Environment.Version.ToString(),
                ["protocol"] = "celery-5.2.6",
                ["runtime"] = RuntimeInformation.FrameworkDescription,
            },
            ["platform"] = new JsonObject
            {
                ["system"] = OperatingSystemName(),
                ["arch"] = RuntimeInformation.ProcessArchitecture.ToString(),
                ["kernel version"] = Environment.OSVersion.Version.ToString(),
                ["imp"] = ".NET",
            },
            ["loader"] = "Celeriac.CeleriacApp",
            ["transport"] = transport,
            ["results"] = results,
            ["settings"] = CelerySettings.Table(options, withDefaults: false),
        };
    }

    // The header masks as kombu's maybe_sanitize_url does (**), the settings below it as filter_hidden_settings (********).
    private static (string Transport, string Results) TransportAndResults(CeleriacOptions options) =>
        (options.BrokerUrl.Split("://")[0], options.ResultBackend is { Length: > 0 } backend ? SettingsMask.Url(backend, "**") : "disabled");

    internal static string Version() =>
        typeof(CeleriacApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? typeof(CeleriacApp).Assembly.GetName().Version?.ToString() ?? "0";

    private static string OperatingSystemName() =>
        OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "Darwin" : RuntimeInformation.OSDescription;
}
