using System.CommandLine;
using Celeriac.CommandLine.Output;

namespace Celeriac.CommandLine.Commands;

/// <summary><c>celeriac inspect ACTION [ARGS...]</c>: Celery's <c>celery inspect</c>.</summary>
internal static class InspectCommand
{
    public static readonly string[] Examples =
    [
        "celeriac inspect active -b redis://localhost:6379/0",
        "celeriac inspect registered -d celery@host1,celery@host2 -t 5",
        "celeriac inspect query_task 3f1c9a2e-… --json",
    ];

    public static Command Create(GlobalOptions options, TextWriter output)
    {
        var action = new Argument<string>("action")
        {
            Description = "What to ask: one of the actions above.",
            HelpName = "action",
        };
        action.AcceptOnlyFromAmong(InspectAction.All.Select(a => a.Name).ToArray());
        var extra = new Argument<string[]>("arguments")
        {
            Description = "The action's arguments (query_task: task ids; registered: attributes; conf: with_defaults).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("inspect",
            "Ask the workers about their state:\n" +
            string.Join("\n", InspectAction.All.Select(a => $"  {a.Name,-14}{a.Summary}")))
        {
            action,
            extra,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            var chosen = InspectAction.All.Single(a => a.Name == parsed.GetValue(action));
            var arguments = chosen.Arguments(parsed.GetValue(extra) ?? []);
            var replies = await RemoteCall.RequestAsync(settings, chosen.Name, arguments, cancellationToken).ConfigureAwait(false);
            await ReplyOutput.WriteInspectAsync(output, settings, chosen.Shape, replies).ConfigureAwait(false);
            return CliExitCode.Ok;
        });
        return command;
    }
}
