namespace Celeriac.Dashboard.Store;

/// <summary>What the rollups need of a task that its own event may lack: its name, queue and when it was sent and received (Unix seconds).</summary>
internal readonly record struct KnownTask(string? Name, string? Queue, double? Sent, double? Received);
