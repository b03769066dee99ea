using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Celeriac.CommandLine;

/// <summary>
/// The <c>celeriac</c> command line for a Generic Host or ASP.NET Core app that registered Celeriac with
/// <c>AddCeleriac</c>: one call in place of <c>host.Run()</c>, as JasperFx's <c>RunJasperFxCommands</c> does.
/// </summary>
/// <example>
/// <code>
/// var builder = Host.CreateApplicationBuilder(args);
/// builder.Services.AddCeleriac(builder.Configuration.GetSection("Celeriac")).UseRedis().AddTask("tasks.add", (int x, int y) => x + y);
/// using var host = builder.Build();
/// return await host.RunCeleriacCommandLineAsync(args);
/// // dotnet run                       runs the host as before (web server, hosted worker, …)
/// // dotnet run -- worker -c 8 -Q a,b  runs only a worker of the host's app, with Celery's flags
/// // dotnet run -- inspect active      asks the workers, through the host's app
/// </code>
/// </example>
public static class CeleriacHostCommandLineExtensions
{
    /// <summary>
    /// When the first argument is a <c>celeriac</c> command (<c>worker</c>, <c>inspect</c>, …, or <c>--help</c>),
    /// runs it with the host's <see cref="CeleriacApp"/> (from its services, so tasks get their dependencies)
    /// without starting the host: its hosted services — a web server, <c>AddWorker</c>'s hosted worker — stay
    /// down, and <c>worker</c> is the only worker in the process. Otherwise, with no arguments or with the host's
    /// own (<c>--urls …</c>), runs the host until it stops and returns 0. Put the command first: <c>worker -b …</c>,
    /// not <c>-b … worker</c>. The host is not disposed.
    /// </summary>
    /// <param name="host">A built host whose services include <c>AddCeleriac</c>'s app.</param>
    /// <param name="args">The process's arguments.</param>
    /// <param name="cancellationToken">Stops a running command (a worker: warm shutdown) or the host.</param>
    /// <returns>The exit code for the process (see <see cref="CeleriacAppCommandLineExtensions.RunCommandLineAsync"/>).</returns>
    public static async Task<int> RunCeleriacCommandLineAsync(this IHost host, string[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || !CliApp.IsCommand(args[0]))
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return CliExitCode.Ok;
        }
        var app = host.Services.GetRequiredService<CeleriacApp>();
        return await app.RunCommandLineAsync(args, cancellationToken).ConfigureAwait(false);
    }
}
