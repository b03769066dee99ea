using System.Net;
using Celeriac.Dashboard;

namespace Celeriac.CommandLine.Commands.Dashboard;

/// <summary>The <c>dashboard</c> command's own options, checked: every problem is a usage error (exit 2) before anything starts.</summary>
internal sealed record DashboardSettings(
    string Host,
    int Port,
    string UrlPrefix,
    BasicCredentials? BasicAuth,
    bool AllowRemote,
    string? BeatSchedule,
    Action<DashboardOptions> Configure)
{
    /// <summary>The address Kestrel listens on: an IP address, or <c>localhost</c> (both loopbacks).</summary>
    public IPAddress? Address => Host == "localhost" ? null : IPAddress.Parse(Host);

    public static string CheckHost(string host) =>
        host == "localhost" || IPAddress.TryParse(host, out _) ? host
        : throw CliException.Usage($"--host must be an IP address (127.0.0.1, 0.0.0.0, ::) or localhost, not '{host}'");

    public static int CheckPort(int port) =>
        port is >= 0 and <= 65535 ? port : throw CliException.Usage($"--port must be 0–65535 (0: any free port), not {port}");

    /// <summary><c>/</c> or a path such as <c>/celeriac</c> (no trailing slash).</summary>
    public static string CheckPrefix(string prefix)
    {
        if (!prefix.StartsWith('/') || prefix.Contains("//", StringComparison.Ordinal) || prefix.Any(c => char.IsWhiteSpace(c) || c is '?' or '#'))
            throw CliException.Usage($"--url-prefix must be a path starting with /, e.g. /celeriac, not '{prefix}'");
        return prefix.Length > 1 ? prefix.TrimEnd('/') : prefix;
    }
}
