namespace Celeriac.Beat;

/// <summary>
/// A beat process: joins the election for its schedule and, while it holds the lease, publishes
/// each due run of each entry exactly once. Stop it with <see cref="StopAsync"/> (it gives the lease up, so a replica takes over at once).
/// </summary>
public sealed partial class CeleriacBeat : IAsyncDisposable
{
    private readonly CeleriacApp _app;

    internal CeleriacBeat(CeleriacApp app, BeatOptions options)
    {
        _app = app;
        Options = options;
    }

    /// <summary>This beat's settings.</summary>
    public BeatOptions Options { get; }

    /// <summary>True while this process holds the lease and publishes.</summary>
    public bool IsPublisher => throw new NotImplementedException();

    /// <summary>Loads the state, joins the election and starts the loop; returns once it runs (whether or not it publishes).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Stops publishing and releases the lease.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Starts, runs until <paramref name="stoppingToken"/> fires, then stops.</summary>
    public Task RunAsync(CancellationToken stoppingToken = default) => throw new NotImplementedException();

    /// <summary>Stops if running.</summary>
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
