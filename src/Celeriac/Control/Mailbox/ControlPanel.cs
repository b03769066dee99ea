using System.Collections.Frozen;
using Celeriac.Control.Mailbox.Commands;

namespace Celeriac.Control.Mailbox;

/// <summary>
/// Every command a Celeriac worker answers, by name (Celery's <c>Panel</c>, with its <c>dump_*</c>
/// aliases). The commands live by group in <c>Commands/</c>.
/// </summary>
internal static class ControlPanel
{
    // Before Commands: static fields initialise in order.
    private static readonly (string Alias, string Name)[] Aliases =
    [
        ("dump_conf", "conf"), ("dump_schedule", "scheduled"), ("dump_reserved", "reserved"),
        ("dump_active", "active"), ("dump_revoked", "revoked"), ("dump_tasks", "registered"),
    ];

    private static readonly FrozenDictionary<string, ControlCommand> Commands = Build();

    /// <summary>The command named <paramref name="name"/>, if the worker knows it.</summary>
    public static bool TryGet(string name, out ControlCommand command) => Commands.TryGetValue(name, out command!);

    /// <summary>Every command name, aliases included.</summary>
    public static IEnumerable<string> Names => Commands.Keys;

    private static FrozenDictionary<string, ControlCommand> Build()
    {
        var all = new Dictionary<string, ControlCommand>(StringComparer.Ordinal);
        foreach (var command in WorkerInspectCommands.All
            .Concat(TaskInspectCommands.All)
            .Concat(ConfigCommands.All)
            .Concat(TaskControlCommands.All)
            .Concat(EventCommands.All)
            .Concat(PoolCommands.All)
            .Concat(QueueCommands.All)
            .Concat(LifecycleCommands.All))
        {
            all.Add(command.Name, command);
        }
        foreach (var (alias, name) in Aliases) all.Add(alias, all[name] with { Name = alias });
        return all.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
