namespace Celeriac.Dashboard.Store;

/// <summary>Options both stores share.</summary>
public sealed record DashboardStoreOptions
{
    /// <summary>Args, kwargs, result, exception and traceback are kept whole up to this many characters, then cut (64 Ki by default).</summary>
    public int MaxPayloadLength { get; init; } = 64 * 1024;

    /// <summary>An offline worker is listed by <see cref="IDashboardStore.GetWorkersAsync"/> for this long after it went offline (1 day by default).</summary>
    public TimeSpan OfflineWorkerRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The clock workers' heartbeats are judged by.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
