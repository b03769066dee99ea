namespace Celeriac.Dashboard.Store;

/// <summary>The worker fields a worker event carries and the store keeps; null is unknown.</summary>
public abstract record WorkerFields
{
    /// <summary>The implementation (<c>sw_ident</c>: <c>py-celery</c>, <c>celeriac</c>).</summary>
    public string? SoftwareIdent { get; init; }
    /// <summary>Its version (<c>sw_ver</c>).</summary>
    public string? SoftwareVersion { get; init; }
    /// <summary>Its system (<c>sw_sys</c>).</summary>
    public string? SoftwareSystem { get; init; }
    /// <summary>Heartbeat interval in seconds.</summary>
    public double? Frequency { get; init; }
    /// <summary>Tasks running now.</summary>
    public int? Active { get; init; }
    /// <summary>Tasks processed since start.</summary>
    public long? Processed { get; init; }
    /// <summary>Load averages, as the event carries them (e.g. <c>[0.5, 0.4, 0.3]</c>).</summary>
    public string? LoadAverage { get; init; }
}
