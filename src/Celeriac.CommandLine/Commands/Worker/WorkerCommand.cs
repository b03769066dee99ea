using System.CommandLine;
using Celeriac.Worker;
using Microsoft.Extensions.Logging;

namespace Celeriac.CommandLine.Commands.Worker;

/// <summary>
/// <c>worker</c>: Celery's <c>celery worker</c>, for an app's own command line (<c>app.RunCommandLineAsync(args)</c>),
/// since a worker runs the app's tasks. Prints Celery's banner, runs until Ctrl+C/SIGTERM (warm shutdown; a second
/// one is cold) or a remote <c>shutdown</c>, and exits 0 after a clean stop.
/// </summary>
internal static class WorkerCommand
{
    public const string Name = "worker";

    public static readonly string[] Examples =
    [
        "dotnet run -- worker -b redis://localhost:6379/0 -l INFO",
        "dotnet run -- worker -c 8 -Q a,b -E --autoscale 10,2",
        "dotnet run -- worker -n w1@%h -B -s schedule.json --time-limit 300",
    ];

    /// <summary>The one line the standalone tool answers <c>celeriac worker</c> with.</summary>
    public const string NeedsApp =
        "worker runs your app's tasks, which the celeriac tool does not have: end your app's Main with " +
        "`return await app.RunCommandLineAsync(args);` and run `dotnet run -- worker …` there";

    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error)
    {
        var flags = new WorkerFlags();
        var command = new Command(Name,
            "Run the app's worker with Celery's worker flags (only from the app's own command line: app.RunCommandLineAsync(args)). " +
            "Ctrl+C or SIGTERM: warm shutdown (running tasks finish); a second one: cold (they are cancelled and requeued).");
        flags.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            if (settings.App is null) throw CliException.Usage(NeedsApp);
            var worker = flags.Read(parsed);
            return await RunAsync(CliAppFactory.Open(settings, inProcessBroker: true).App, worker, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(CeleriacApp app, WorkerSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        settings.ApplyTo(app.Options);
        if (settings.Schedule is { } file) AddSchedule(app, file);
        using var logging = WorkerLogging.Apply(app.Options, settings.LogLevel);
        CeleriacWorker worker;
        try
        {
            worker = app.CreateWorker(o => settings.ApplyTo(o, app.Options));
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(e.Message); // WorkerOptions' own checks, e.g. a -Q with an empty name
        }
        await using (worker.ConfigureAwait(false))
        {
            if (settings.Purge) await PurgeAsync(app, worker.Options.Queues, output, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(WorkerBanner.Render(app, worker.Options, settings.LogLevel <= LogLevel.Debug, DateTime.Now)).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            using var signals = new ShutdownSignals(worker, error, cancellationToken);
            // Stops when a signal (or the caller's token) stops the worker, or a remote shutdown does.
            await worker.RunAsync(CancellationToken.None).ConfigureAwait(false);
            return CliExitCode.Ok;
        }
    }

    private static void AddSchedule(CeleriacApp app, string file)
    {
        try
        {
            app.Beat.AddFile(file);
        }
        catch (FormatException e)
        {
            throw CliException.Usage(e.Message); // names the file, the entry and what is wrong with it
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.Usage($"-s/--schedule {file}: {e.Message}");
        }
    }

    /// <summary>Celery's <c>--purge</c>: the worker's queues emptied before it consumes, the count said as Celery says it.</summary>
    private static async Task PurgeAsync(CeleriacApp app, IEnumerable<string> queues, TextWriter output, CancellationToken cancellationToken)
    {
        long count = 0;
        foreach (var queue in queues)
        {
            await app.Transport.DeclareQueueAsync(queue, cancellationToken).ConfigureAwait(false);
            count += await app.Transport.PurgeAsync(queue, cancellationToken).ConfigureAwait(false);
        }
        await output.WriteLineAsync($"purge: Erased {count} {(count == 1 ? "message" : "messages")} from the queue.\n").ConfigureAwait(false);
    }
}
