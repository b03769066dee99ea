using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Celeriac.Control.Mailbox.Commands;
using Celeriac.Worker;

namespace Celeriac.CommandLine.Commands.Worker;

/// <summary>
/// <c>celery worker</c>'s start banner (celery/apps/worker.py, 5.2.6: <c>ARTLINES</c> beside <c>BANNER</c>, then
/// <c>[tasks]</c>), with the URLs' passwords masked: what a Celery user looks for when a worker starts.
/// </summary>
internal static class WorkerBanner
{
    private static readonly string[] ArtLines =
    [
        " --------------", "--- ***** -----", "-- ******* ----", "- *** --- * ---", "- ** ----------", "- ** ----------",
        "- ** ----------", "- ** ----------", "- *** --- * ---", "-- ******* ----", "--- ***** -----", " --------------",
    ];

    /// <param name="app">The app the worker runs.</param>
    /// <param name="worker">The worker's settings.</param>
    /// <param name="builtins">List the built-in <c>celery.*</c> tasks too (Celery does at DEBUG).</param>
    /// <param name="now">The start time shown.</param>
    public static string Render(CeleriacApp app, WorkerOptions worker, bool builtins, DateTime now)
    {
        var options = app.Options;
        var concurrency = worker.Autoscale is { } scale
            ? $"{{min={scale.Min}, max={scale.Max}}}"
            : worker.Concurrency.ToString(CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            $"{worker.Hostname} v{Version()}",
            "",
            $"{Platform()} {now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}",
            "",
            "[config]",
            $".> app:         {AppName()}:0x{RuntimeHelpers.GetHashCode(app):x}",
            $".> transport:   {SettingsMask.Url(options.BrokerUrl)}",
            $".> results:     {(CeleriacOptions.IsDisabled(options.ResultBackend) ? "disabled://" : SettingsMask.Url(options.ResultBackend!))}",
            // Celery names its pool (prefork, threads, …); a Celeriac worker's slots are async tasks in one process.
            $".> concurrency: {concurrency} (async)",
            $".> task events: {(worker.SendTaskEvents ? "ON" : "OFF (enable -E to monitor tasks in this worker)")}",
            "",
            "[queues]",
        };
        foreach (var name in worker.Queues.Order(StringComparer.Ordinal))
        {
            var queue = options.TaskQueues.FirstOrDefault(q => q.Name == name) ?? new TaskQueue(name);
            lines.Add($".> {name,-16} exchange={queue.ExchangeName}({queue.ExchangeType}) key={queue.BindingKey}");
        }
        var text = new StringBuilder(" \n");
        for (var i = 0; i < lines.Count; i++)
            text.Append(i < ArtLines.Length ? ArtLines[i] + " " : new string(' ', 16)).Append(lines[i]).Append('\n');
        text.Append("\n[tasks]\n");
        foreach (var task in app.Tasks.Names.Where(n => builtins || !n.StartsWith("celery.", StringComparison.Ordinal)))
            text.Append("  . ").Append(task).Append('\n');
        return text.ToString();
    }

    private static string Version()
    {
        var version = typeof(CeleriacApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return (plus < 0 ? version : version[..plus]) + " (celeriac)";
    }

    /// <summary>As Python's <c>platform.platform()</c> reads: system-release-machine, then the runtime.</summary>
    private static string Platform() =>
        $"{(OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "macOS" : "Unknown")}" +
        $"-{Environment.OSVersion.Version}-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}-with-dotnet-{Environment.Version}";

    /// <summary>Celery shows the app's main module; the entry assembly is ours.</summary>
    private static string AppName() => Assembly.GetEntryAssembly()?.GetName().Name ?? "__main__";
}
