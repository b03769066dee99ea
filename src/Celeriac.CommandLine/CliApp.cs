using System.CommandLine;
using System.CommandLine.Help;
using Celeriac.CommandLine.Commands;
using Celeriac.CommandLine.Commands.Dashboard;
using Celeriac.CommandLine.Commands.Worker;

namespace Celeriac.CommandLine;

/// <summary>
/// The <c>celeriac</c> command line. <see cref="RunAsync(string[], TextWriter, TextWriter, CancellationToken, CeleriacApp)"/> is the whole program: the process entry point
/// calls it with the console's writers, tests call it with their own. Every failure ends here as one line on
/// the error writer and an exit code from <see cref="CliExitCode"/> — never a stack trace. The standalone tool
/// runs it without an app (each command makes its own from the options); an app's own command line
/// (<see cref="CeleriacAppCommandLineExtensions.RunCommandLineAsync"/>) runs it with that app.
/// </summary>
internal static class CliApp
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default, CeleriacApp? app = null) =>
        RunAsync(args, output, error, CliInput.Console, cancellationToken, app);

    /// <summary>The program with its input too: tests answer <c>purge</c>'s question through <paramref name="input"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliInput input, CancellationToken cancellationToken = default, CeleriacApp? app = null)
    {
        var parsed = CreateRoot(output, error, input, app).Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpWithExamples)
        {
            // System.CommandLine would print the errors and the whole help and exit 1; a script wants one line and 2.
            await error.WriteLineAsync($"celeriac: {OneLine(parsed.Errors[0].Message)} (see celeriac --help)").ConfigureAwait(false);
            return CliExitCode.Usage;
        }
        try
        {
            var configuration = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
            };
            // The worker answers Ctrl+C and SIGTERM itself (warm shutdown, then cold); System.CommandLine's own handler
            // would cancel it as well and end the process 2 s later, whatever the running tasks.
            if (parsed.CommandResult.Command.Name == WorkerCommand.Name) configuration.ProcessTerminationTimeout = null;
            return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync($"celeriac: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("celeriac: cancelled").ConfigureAwait(false);
            return CliExitCode.Failure;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"celeriac: {OneLine(e)}").ConfigureAwait(false);
            return CliExitCode.Failure;
        }
    }

    /// <summary>True when <paramref name="argument"/> names a command (or asks for help or the version).</summary>
    internal static bool IsCommand(string argument) =>
        argument is "-h" or "-?" or "--help" or "--version" ||
        CreateRoot(TextWriter.Null, TextWriter.Null, CliInput.Console, app: null).Subcommands.Any(c => c.Name == argument);

    /// <summary>
    /// The command tree. A plain <see cref="Command"/> named <c>celeriac</c> rather than a <see cref="RootCommand"/>,
    /// whose name is the entry assembly's (<c>Celeriac.Cli</c>, or an app's own) and would show in the usage line.
    /// </summary>
    private static Command CreateRoot(TextWriter output, TextWriter error, CliInput input, CeleriacApp? app)
    {
        var options = new GlobalOptions(app);
        var root = new Command("celeriac",
            "Inspect and steer Celery workers, Python's and Celeriac's alike, through their broker (Redis or RabbitMQ).\n" +
            CliExitCode.HelpText)
        {
            new HelpOption(),
            new VersionOption(),
        };
        options.AddTo(root);
        var status = StatusCommand.Create(options, output);
        var inspect = InspectCommand.Create(options, output);
        var control = ControlCommand.Create(options, output);
        var call = CallCommand.Create(options, output);
        var result = ResultCommand.Create(options, output);
        var purge = PurgeCommand.Create(options, output, input);
        var beat = BeatCommand.Create(options, output);
        var report = ReportCommand.Create(options, output);
        var events = EventsCommand.Create(options, output);
        var dashboard = DashboardCommand.Create(options, output);
        root.Add(status);
        root.Add(inspect);
        root.Add(control);
        root.Add(call);
        root.Add(result);
        root.Add(purge);
        root.Add(beat);
        root.Add(report);
        root.Add(events);
        root.Add(dashboard);
        var worker = WorkerCommand.Create(options, output, error);
        root.Add(worker);
        HelpWithExamples.Install(root, new Dictionary<Command, string[]>
        {
            [root] = ["celeriac status -b redis://localhost:6379/0", "CELERY_BROKER_URL=amqp://guest@localhost// celeriac inspect active --json"],
            [status] = StatusCommand.Examples,
            [inspect] = InspectCommand.Examples,
            [control] = ControlCommand.Examples,
            [call] = CallCommand.Examples,
            [result] = ResultCommand.Examples,
            [purge] = PurgeCommand.Examples,
            [beat] = BeatCommand.Examples,
            [report] = ReportCommand.Examples,
            [events] = EventsCommand.Examples,
            [dashboard] = DashboardCommand.Examples,
            [worker] = WorkerCommand.Examples,
        });
        return root;
    }

    /// <summary>An exception as one line: its message and, when they add something, its inner ones'.</summary>
    internal static string OneLine(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (!text.Contains(inner.Message, StringComparison.Ordinal)) text += ": " + inner.Message;
        return OneLine(text);
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
