using System.CommandLine;
using Celeriac.CommandLine.Events;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// <c>celeriac events</c>: Celery's <c>celery events</c> — on a terminal a live view of the workers and the latest
/// tasks (its curses monitor); with <c>--dump</c> (or <c>--json</c>, or when the output is not a terminal) one line
/// per event as <c>celery events --dump</c> prints them. Runs until <c>q</c>, Ctrl+C or <c>--count</c> events,
/// and exits 0 then.
/// </summary>
internal static class EventsCommand
{
    public static readonly string[] Examples =
    [
        "celeriac events -b redis://localhost:6379/0",
        "celeriac events --dump",
        "celeriac events --dump --json --count 100 > events.jsonl",
        "celeriac events --enable-events -b amqp://guest@localhost//",
    ];

    private const int DefaultMaxTasks = 1000;

    public static Command Create(GlobalOptions options, TextWriter output)
    {
        var dump = new Option<bool>("--dump")
        {
            Description = "Print one line per event, as `celery events --dump` does, instead of the live view (Celery's -d is --destination here).",
        };
        var count = new Option<int?>("--count")
        {
            Description = "Stop after this many events (default: run until Ctrl+C, or q in the live view).",
        };
        var maxTasks = new Option<int>("--max-tasks")
        {
            Description = "How many tasks the live view keeps in memory, the most recently updated.",
            DefaultValueFactory = _ => DefaultMaxTasks,
        };
        var enable = new Option<bool>("--enable-events")
        {
            Description = "First tell the workers (or those named by -d) to send task events (`control enable_events`); they stay on after this command ends.",
        };
        var command = new Command("events",
            "Watch the cluster's events: a live view of the workers and the latest tasks on a terminal (keys: q quit, " +
            "↑/↓ or j/k select a task, Enter or i its details, Esc back), or one line per event with --dump or --json " +
            "(and whenever the output is not a terminal). Workers send task events only when started with -E or " +
            "after `control enable_events` (see --enable-events).")
        {
            dump,
            count,
            maxTasks,
            enable,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            var limit = parsed.GetValue(count);
            if (limit is <= 0) throw CliException.Usage($"--count must be a positive number of events, not {limit}");
            var keep = parsed.GetValue(maxTasks);
            if (keep <= 0) throw CliException.Usage($"--max-tasks must be a positive number of tasks, not {keep}");
            var request = new EventsRequest(settings, limit, keep, parsed.GetValue(enable));

            if (parsed.GetValue(dump) || settings.Json) return await EventDump.RunAsync(request, output, cancellationToken).ConfigureAwait(false);
            if (!LiveMonitor.CanRun(output))
            {
                // A live view needs a terminal to draw on and read keys from; a pipe or a file gets the lines.
                await parsed.InvocationConfiguration.Error.WriteLineAsync(
                    "celeriac events: the output is not a terminal, so printing one line per event (as --dump)").ConfigureAwait(false);
                return await EventDump.RunAsync(request, output, cancellationToken).ConfigureAwait(false);
            }
            return await LiveMonitor.RunAsync(request, output, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
