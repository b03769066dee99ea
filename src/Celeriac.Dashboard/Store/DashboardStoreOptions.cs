namespace Celeriac.Dashboard.Store;

/// <summary>Options both stores share.</summary>
public sealed record DashboardStoreOptions
{
    /// <summary>Args, kwargs, result, exception and traceback are kept whole up to this many characters, then cut (64 Ki by default).</summary>
    public int MaxPayloadLength { get; init; } = 64 * 1024;
}
