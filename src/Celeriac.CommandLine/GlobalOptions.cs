using System.CommandLine;

namespace Celeriac.CommandLine;

/// <summary>
/// The options every command takes (Celery's global and remote-control options). They are recursive, so
/// they may stand before or after the command: <c>celeriac -b redis:// inspect ping</c> and
/// <c>celeriac inspect ping -b redis://</c> are the same.
/// </summary>
/// <param name="app">The app of <c>app.RunCommandLineAsync(args)</c>: its URLs are the defaults instead of the environment's.</param>
internal sealed class GlobalOptions(CeleriacApp? app = null)
{
    /// <summary>The embedded app, or null in the standalone tool.</summary>
    public CeleriacApp? App => app;

    public const string BrokerVariable = "CELERY_BROKER_URL";
    public const string BackendVariable = "CELERY_RESULT_BACKEND";

    public Option<string?> Broker { get; } = new("--broker", "-b")
    {
        Description = $"Broker URL, e.g. redis://localhost:6379/0 or amqp://guest@localhost// (default: ${BrokerVariable}).",
        Recursive = true,
    };

    public Option<string?> ResultBackend { get; } = new("--result-backend")
    {
        Description = $"Result backend URL (default: ${BackendVariable}).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json", "-j")
    {
        Description = "Print JSON (as `celery … -j` does) instead of tables.",
        Recursive = true,
    };

    public Option<double> Timeout { get; } = new("--timeout", "-t")
    {
        Description = "Seconds to wait for the next reply.",
        DefaultValueFactory = _ => 1.0,
        Recursive = true,
    };

    public Option<string?> Destination { get; } = new("--destination", "-d")
    {
        Description = "Comma-separated node names to ask, e.g. celery@host1,celery@host2 (default: every worker).",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Broker);
        root.Add(ResultBackend);
        root.Add(Json);
        root.Add(Timeout);
        root.Add(Destination);
    }

    /// <summary>
    /// The settings of this invocation; what the command line left out comes from the embedded app's options,
    /// else from the environment.
    /// </summary>
    public CliSettings Read(ParseResult result)
    {
        var timeout = result.GetValue(Timeout);
        if (!double.IsFinite(timeout) || timeout <= 0)
            throw CliException.Usage($"--timeout must be a positive number of seconds, not {timeout}");
        var destination = (result.GetValue(Destination) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new CliSettings(
            NonEmpty(result.GetValue(Broker)) ?? (app is null ? NonEmpty(Environment.GetEnvironmentVariable(BrokerVariable)) : app.Options.BrokerUrl),
            NonEmpty(result.GetValue(ResultBackend)) ?? (app is null ? NonEmpty(Environment.GetEnvironmentVariable(BackendVariable)) : app.Options.ResultBackend),
            result.GetValue(Json),
            TimeSpan.FromSeconds(timeout),
            destination)
        {
            App = app,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
