namespace Celeriac.Beat.Store;

/// <summary>An optional ability of a transport (beside <c>ITransport</c>): a beat store its processes share.</summary>
internal interface IBeatStoreFactory
{
    /// <summary>The store for the schedule named <paramref name="scheduleName"/>.</summary>
    IBeatStore OpenBeatStore(string scheduleName);
}
