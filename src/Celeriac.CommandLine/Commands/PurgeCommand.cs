using System.CommandLine;
using System.Text.Json.Nodes;
using Celeriac.CommandLine.Output;
using Celeriac.Protocol.Json;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// <c>celeriac purge</c>: Celery's <c>celery purge</c> — delete every waiting message of the app's task queues
/// (or those of -Q, less those of -X) and say how many there were. It asks first, showing how many messages it is
/// about to delete, unless -f; with nobody at a terminal to answer it refuses instead of reading a pipe.
/// </summary>
internal static class PurgeCommand
{
    public static readonly string[] Examples =
    [
        "celeriac purge -b redis://localhost:6379/0",
        "celeriac purge -Q reports,emails -f",
        "celeriac purge -X priority -f --json",
    ];

    public static Command Create(GlobalOptions options, TextWriter output, CliInput input)
    {
        var queues = new Option<string?>("--queues", "-Q")
        {
            Description = "Comma-separated queues to purge (default: the app's task queues; for the tool, celery).",
        };
        var exclude = new Option<string?>("--exclude-queues", "-X") { Description = "Comma-separated queues not to purge." };
        var force = new Option<bool>("--force", "-f") { Description = "Do not ask before deleting (needed when stdin is not a terminal)." };
        var command = new Command("purge", "Delete every waiting message from the task queues. There is no undo.") { queues, exclude, force };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            var forced = parsed.GetValue(force);
            // Before connecting: a script that forgot -f learns it at once, whatever the broker's state.
            if (!forced && !input.IsTerminal)
                throw CliException.Usage("purge asks before deleting and stdin is not a terminal: pass -f/--force to purge without asking");
            var lease = CliAppFactory.Open(settings);
            await using (lease.ConfigureAwait(false))
            {
                var app = lease.App;
                var names = QueueNames(app, parsed.GetValue(queues), parsed.GetValue(exclude));
                var error = parsed.InvocationConfiguration.Error;
                if (!forced && !await ConfirmAsync(app, names, input, error, cancellationToken).ConfigureAwait(false)) return CliExitCode.Failure;
                var purged = await PurgeAsync(app, names, CliConsole.For(output), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(settings.Json ? Json(purged) : Summary(purged)).ConfigureAwait(false);
                return CliExitCode.Ok;
            }
        });
        return command;
    }

    /// <summary>Celery's <c>queues - exclude_queues</c>, where the queues default to the app's (<c>task_queues</c>, else the default queue).</summary>
    private static List<string> QueueNames(CeleriacApp app, string? queues, string? exclude)
    {
        var known = app.Options.TaskQueues.Count > 0 ? app.Options.TaskQueues.Select(q => q.Name) : [app.Options.DefaultQueue];
        var excluded = new HashSet<string>(List(exclude), StringComparer.Ordinal);
        var names = (queues is null ? known : List(queues)).Distinct(StringComparer.Ordinal).Where(q => !excluded.Contains(q)).ToList();
        return names.Count > 0 ? names : throw CliException.Usage("no queue left to purge: -X excludes every queue");
    }

    /// <summary>Asks "Are you sure?" with the number of messages waiting; false when the answer is not yes.</summary>
    private static async Task<bool> ConfirmAsync(CeleriacApp app, List<string> names, CliInput input, TextWriter error, CancellationToken cancellationToken)
    {
        long waiting = 0;
        foreach (var name in names) waiting += await app.Transport.GetQueueDepthAsync(name, cancellationToken).ConfigureAwait(false);
        var sorted = string.Join(", ", names.Order(StringComparer.Ordinal));
        // On stderr, so stdout holds only the outcome (which --json makes a script's to read).
        await error.WriteAsync(
            $"You are about to purge {Count(waiting, "message")} from {Plural(names.Count, "queue")} {sorted}. There is no undo. Are you sure? [y/N] ").ConfigureAwait(false);
        await error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        string? answer;
        try
        {
            // Console.In reads synchronously even through ReadLineAsync, ignoring the token: read on the pool and stop
            // waiting at Ctrl+C, which must end the prompt as a "no" (the read left behind ends with the process).
            answer = (await Task.Run(input.Reader.ReadLine, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false))?.Trim();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            answer = null;
        }
        if (answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)))
            return true;
        if (answer is null) await error.WriteLineAsync().ConfigureAwait(false); // end of input or Ctrl+C: end the prompt's line
        await error.WriteLineAsync("celeriac: aborted, nothing purged").ConfigureAwait(false);
        return false;
    }

    /// <summary>Purges each queue in turn (one broker call each), the spinner naming the queue on a terminal.</summary>
    private static Task<Dictionary<string, long>> PurgeAsync(CeleriacApp app, List<string> names, Spectre.Console.IAnsiConsole console, CancellationToken cancellationToken) =>
        TerminalProgress.RunAsync(console, $"Purging {names[0]}…", async status =>
        {
            var purged = new Dictionary<string, long>(StringComparer.Ordinal);
            long total = 0;
            for (var i = 0; i < names.Count; i++)
            {
                status($"Purging {names[i]} ({i + 1}/{names.Count}; {Count(total, "message")} deleted so far)…");
                purged[names[i]] = await app.Transport.PurgeAsync(names[i], cancellationToken).ConfigureAwait(false);
                total += purged[names[i]];
            }
            return purged;
        });

    /// <summary>Celery's last line, word for word.</summary>
    private static string Summary(Dictionary<string, long> purged)
    {
        var total = purged.Values.Sum();
        return total > 0
            ? $"Purged {Count(total, "message")} from {purged.Count} known task {Plural(purged.Count, "queue")}."
            : $"No messages purged from {purged.Count} {Plural(purged.Count, "queue")}.";
    }

    private static string Json(Dictionary<string, long> purged)
    {
        var queues = new JsonObject();
        foreach (var (name, count) in purged) queues[name] = count;
        return PythonJson.Dumps(new JsonObject { ["purged"] = purged.Values.Sum(), ["queues"] = queues });
    }

    private static string Count(long n, string noun) => $"{n} {Plural(n, noun)}";

    // celery.utils.text.pluralize: the noun with an "s" unless there is exactly one.
    private static string Plural(long n, string noun) => n == 1 ? noun : noun + "s";

    private static IEnumerable<string> List(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
