using System.Collections.Concurrent;

namespace Celeriac.Tasks;

/// <summary>The tasks an app knows, by name. Safe to read while a worker runs.</summary>
internal sealed class TaskRegistry
{
    private readonly ConcurrentDictionary<string, TaskDefinition> _tasks = new(StringComparer.Ordinal);

    /// <summary>Registered names, sorted.</summary>
    public IReadOnlyList<string> Names => _tasks.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>True when <paramref name="name"/> is registered.</summary>
    public bool Contains(string name) => _tasks.ContainsKey(name);

    /// <summary>The task of that name, or null.</summary>
    public TaskDefinition? Find(string name) => _tasks.GetValueOrDefault(name);

    internal void Add(TaskDefinition definition)
    {
        if (!_tasks.TryAdd(definition.Name, definition))
            throw new InvalidOperationException($"A task named '{definition.Name}' is already registered.");
    }
}
