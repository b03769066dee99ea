using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Celeriac.CommandLine;

/// <summary>
/// <c>--help</c> as System.CommandLine writes it, followed by the command's examples: System.CommandLine 2.0
/// has no examples section, and examples in a description would be repeated in the parent's command list.
/// </summary>
internal sealed class HelpWithExamples(HelpAction help, IReadOnlyDictionary<Command, string[]> examples) : SynchronousCommandLineAction
{
    /// <summary>Puts this action on <paramref name="root"/>'s help option.</summary>
    public static void Install(Command root, IReadOnlyDictionary<Command, string[]> examples)
    {
        var option = root.Options.OfType<HelpOption>().Single();
        option.Action = new HelpWithExamples((HelpAction)option.Action!, examples);
    }

    public override int Invoke(ParseResult parseResult)
    {
        var result = help.Invoke(parseResult);
        if (examples.TryGetValue(parseResult.CommandResult.Command, out var lines))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var line in lines) output.WriteLine("  " + line);
            output.WriteLine();
        }
        return result;
    }
}
