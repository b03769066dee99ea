using System.CommandLine;
using System.Text.Json.Nodes;
using Celeriac.CommandLine.Output;
using Spectre.Console;

namespace Celeriac.CommandLine.Commands;

/// <summary><c>celeriac status</c>: Celery's <c>celery status</c> — ping every worker, say how many are online.</summary>
internal static class StatusCommand
{
    public static readonly string[] Examples =
    [
        "celeriac status -b redis://localhost:6379/0",
        "CELERY_BROKER_URL=amqp://guest@localhost// celeriac status --json",
    ];

    public static Command Create(GlobalOptions options, TextWriter output)
    {
        var command = new Command("status", "Show the workers that are online (ping every worker, or those named by -d).");
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            var replies = await RemoteCall.RequestAsync(settings, "ping", new JsonObject(), cancellationToken).ConfigureAwait(false);
            if (settings.Json)
            {
                // Celery prints the JSON and then "N nodes online."; a script wants the JSON alone.
                await output.WriteLineAsync(ReplyOutput.Json(replies)).ConfigureAwait(false);
                return CliExitCode.Ok;
            }
            var console = CliConsole.For(output);
            foreach (var node in replies.Keys) console.WriteLine($"->  {node}: OK"); // Celery's say_chat spacing
            console.WriteLine();
            console.WriteLine(ReplyOutput.NodesOnline(replies.Count));
            return CliExitCode.Ok;
        });
        return command;
    }
}
