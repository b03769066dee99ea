namespace Celeriac.CommandLine;

/// <summary>
/// An app's own <c>celeriac</c> command line: the tool's commands (<c>inspect</c>, <c>control</c>, <c>status</c>, …)
/// run through the app, plus <c>worker</c>, which needs the app's tasks and so exists only here.
/// </summary>
/// <example>
/// <code>
/// await using var app = CeleriacApp.Create(o => o.UseRedis().BrokerUrl = "redis://localhost:6379/0");
/// app.Task("tasks.add", (int x, int y) => x + y);
/// return await app.RunCommandLineAsync(args);
/// // dotnet run -- worker -c 8 -Q a,b -E --autoscale 10,2 --beat
/// // dotnet run -- inspect active
/// </code>
/// </example>
public static class CeleriacAppCommandLineExtensions
{
    /// <summary>
    /// Runs one command of the <c>celeriac</c> command line with this app and returns the process exit code: 0 ok,
    /// 1 failure, 2 usage (a bad flag, URL or value; one line on stderr), 3 no worker replied. Output goes to the
    /// console, errors to stderr, never a stack trace.
    /// </summary>
    /// <remarks>
    /// The commands use the app's broker, backend and settings. <c>-b/--broker</c> and <c>--result-backend</c>
    /// override the app's URLs, as Celery's <c>-b</c> overrides <c>broker_url</c>: the app is changed (its options)
    /// before it first connects; given after the app has connected, they are a usage error. <c>worker</c> runs the
    /// app's worker with Celery's flags until Ctrl+C or SIGTERM (warm shutdown: running tasks finish; a second one
    /// is cold: they are cancelled and their messages given back) and returns 0 after a clean stop;
    /// <paramref name="cancellationToken"/> cancelled is a first Ctrl+C. The app is not disposed.
    /// </remarks>
    /// <param name="app">The app whose tasks and settings the commands use.</param>
    /// <param name="args">The command line, e.g. <c>worker -c 8 -Q a,b</c> or <c>inspect ping</c>.</param>
    /// <param name="cancellationToken">Stops a running command (a worker: warm shutdown).</param>
    /// <returns>The exit code for the process.</returns>
    public static Task<int> RunCommandLineAsync(this CeleriacApp app, string[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        return CliApp.RunAsync(args, Console.Out, Console.Error, cancellationToken, app);
    }
}
