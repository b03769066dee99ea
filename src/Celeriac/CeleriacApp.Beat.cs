using Celeriac.Beat;

namespace Celeriac;

public sealed partial class CeleriacApp
{
    private BeatEntries? _beat;

    /// <summary>The periodic tasks: add entries in code, edit them at run time, list their next runs.</summary>
    public BeatEntries Beat => LazyInitializer.EnsureInitialized(ref _beat, () => new BeatEntries(this));

    /// <summary>Creates a beat process for this app's schedule (Celery's <c>celery beat</c>); start it with <see cref="CeleriacBeat.StartAsync"/>.</summary>
    public CeleriacBeat CreateBeat(Action<BeatOptions>? configure = null)
    {
        var options = BeatOptions.From(Options);
        configure?.Invoke(options);
        return new CeleriacBeat(this, options);
    }

    /// <summary>Runs a beat until <paramref name="stoppingToken"/> fires, then stops it (releasing the lease).</summary>
    public async Task RunBeatAsync(Action<BeatOptions>? configure = null, CancellationToken stoppingToken = default)
    {
        await using var beat = CreateBeat(configure);
        await beat.RunAsync(stoppingToken).ConfigureAwait(false);
    }
}
