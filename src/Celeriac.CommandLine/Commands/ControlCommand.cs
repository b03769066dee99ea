using System.CommandLine;
using System.Text.Json.Nodes;
using Celeriac.CommandLine.Output;

namespace Celeriac.CommandLine.Commands;

/// <summary><c>celeriac control ACTION [ARGS...]</c>: Celery's <c>celery control</c>.</summary>
internal static class ControlCommand
{
    public static readonly string[] Examples =
    [
        "celeriac control rate_limit tasks.add 10/m -b redis://localhost:6379/0",
        "celeriac control revoke 3f1c9a2e-… 8d0b11c4-…",
        "celeriac control terminate SIGKILL 3f1c9a2e-… -d celery@host1",
        "celeriac control pool_grow 2 --json",
    ];

    public static Command Create(GlobalOptions options, TextWriter output)
    {
        var action = new Argument<string>("action") { Description = "What to do: one of the actions above.", HelpName = "action" };
        action.AcceptOnlyFromAmong(ControlAction.All.Select(a => a.Name).ToArray());
        var extra = new Argument<string[]>("arguments") { Description = "The action's arguments, as listed above.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("control",
            "Tell the workers to do something (exit 1 when a worker answers with an error):\n" +
            string.Join("\n", ControlAction.All.Select(a => $"  {a.Name,-16}{a.Summary} {a.Signature}".TrimEnd())))
        {
            action,
            extra,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            var chosen = ControlAction.All.Single(a => a.Name == parsed.GetValue(action));
            var arguments = chosen.Arguments(parsed.GetValue(extra) ?? []);
            var replies = await RemoteCall.RequestAsync(settings, chosen.Name, arguments, cancellationToken).ConfigureAwait(false);
            await ReplyOutput.WriteControlAsync(output, settings, replies).ConfigureAwait(false);
            // Celery exits 0 whatever the workers said; a script wants to know that one refused.
            return replies.Values.Any(r => r is JsonObject o && o.ContainsKey("error")) ? CliExitCode.Failure : CliExitCode.Ok;
        });
        return command;
    }
}
