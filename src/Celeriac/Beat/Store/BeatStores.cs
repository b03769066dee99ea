namespace Celeriac.Beat.Store;

/// <summary>Opens an app's beat store: the broker's shared one when its transport has one, else a <see cref="LocalBeatStore"/>.</summary>
internal static class BeatStores
{
    public static IBeatStore Open(CeleriacApp app, string scheduleName, string? stateFile) =>
        app.Transport is IBeatStoreFactory factory
            ? factory.OpenBeatStore(scheduleName)
            : new LocalBeatStore(app.Transport, scheduleName, stateFile, app.Options.TimeProvider);
}
