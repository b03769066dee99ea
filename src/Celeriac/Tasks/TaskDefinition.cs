namespace Celeriac.Tasks;

/// <summary>A registered task: its stable name, options and how to call it.</summary>
internal sealed class TaskDefinition
{
    internal TaskDefinition(string name, TaskOptions options, TaskInvoker invoker)
    {
        Name = name;
        Options = options;
        Invoker = invoker;
    }

    /// <summary>The name on the wire (<c>tasks.add</c>); the interop contract, never a CLR name.</summary>
    public string Name { get; }

    /// <summary>The task's own settings.</summary>
    public TaskOptions Options { get; }

    /// <summary>The type the task returns once awaited (<see cref="void"/> when none).</summary>
    public Type ResultType => Invoker.ResultType;

    internal TaskInvoker Invoker { get; }
}
