namespace Celeriac.CommandLine;

/// <summary>The global options of one invocation, read from the command line and the environment.</summary>
/// <param name="BrokerUrl">-b/--broker, else CELERY_BROKER_URL; null when neither is set.</param>
/// <param name="ResultBackend">--result-backend, else CELERY_RESULT_BACKEND.</param>
/// <param name="Json">--json: print Celery's JSON instead of tables.</param>
/// <param name="Timeout">-t/--timeout: how long to wait for the next reply.</param>
/// <param name="Destination">-d/--destination: node names, empty for every worker.</param>
internal sealed record CliSettings(string? BrokerUrl, string? ResultBackend, bool Json, TimeSpan Timeout, IReadOnlyList<string> Destination)
{
    /// <summary>
    /// The app of <see cref="CeleriacAppCommandLineExtensions.RunCommandLineAsync"/>, which commands talk through
    /// (<see cref="CliAppFactory.Open"/>); null in the standalone tool, where each command makes its own.
    /// </summary>
    public CeleriacApp? App { get; init; }
}
