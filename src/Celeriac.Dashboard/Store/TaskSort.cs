namespace Celeriac.Dashboard.Store;

/// <summary>What tasks are sorted by (ties by insertion order).</summary>
public enum TaskSort
{
    /// <summary>When first seen.</summary>
    FirstSeen,
    /// <summary>When last updated.</summary>
    Updated,
    /// <summary>Run time (tasks without one count as -1).</summary>
    Runtime,
    /// <summary>Task name.</summary>
    Name,
}
