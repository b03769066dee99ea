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
        ControlCommand.Sync("report", (c, _) => ControlCommand.Ok(Report(c))),
    ];

    /// <summary>Celery's <c>bugreport</c> layout, with .NET's versions in place of Python's.</summary>
    private static string Report(ControlContext context)
    {
        var options = context.App.Options;
        var transport = options.BrokerUrl.Split("://")[0];
        var results = options.ResultBackend is { Length: > 0 } backend ? SettingsMask.Url(backend) : "disabled";
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

    internal static string Version() =>
        typeof(CeleriacApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? typeof(CeleriacApp).Assembly.GetName().Version?.ToString() ?? "0";

    private static string OperatingSystemName() =>
        OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "Darwin" : RuntimeInformation.OSDescription;
}
